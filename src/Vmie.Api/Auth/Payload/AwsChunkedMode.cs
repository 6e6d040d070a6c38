using Vmie.Api.Auth.SigV4;

namespace Vmie.Api.Auth.Payload;

/// <summary>The three aws-chunked variants, named by the x-amz-content-sha256 value that announces them.</summary>
public enum AwsChunkedMode
{
    /// <summary>STREAMING-AWS4-HMAC-SHA256-PAYLOAD: every chunk carries a chained signature.</summary>
    SignedChunks,

    /// <summary>STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER: signed chunks, then trailers and x-amz-trailer-signature.</summary>
    SignedChunksWithTrailer,

    /// <summary>STREAMING-UNSIGNED-PAYLOAD-TRAILER: plain "hex-size\r\n" chunks, then trailers.</summary>
    UnsignedChunksWithTrailer,
}

/// <summary>Maps x-amz-content-sha256 values to <see cref="AwsChunkedMode"/>.</summary>
public static class AwsChunkedModes
{
    public static bool TryParse(string? contentSha256, out AwsChunkedMode mode)
    {
        switch (contentSha256)
        {
            case PayloadHashes.StreamingSigned:
                mode = AwsChunkedMode.SignedChunks;
                return true;
            case PayloadHashes.StreamingSignedWithTrailer:
                mode = AwsChunkedMode.SignedChunksWithTrailer;
                return true;
            case PayloadHashes.StreamingUnsignedWithTrailer:
                mode = AwsChunkedMode.UnsignedChunksWithTrailer;
                return true;
            default:
                mode = default;
                return false;
        }
    }

    public static bool IsSigned(this AwsChunkedMode mode) => mode != AwsChunkedMode.UnsignedChunksWithTrailer;

    public static bool HasTrailer(this AwsChunkedMode mode) => mode != AwsChunkedMode.SignedChunks;
}

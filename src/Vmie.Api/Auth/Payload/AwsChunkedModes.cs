using Vmie.Api.Auth.SigV4;

namespace Vmie.Api.Auth.Payload;

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

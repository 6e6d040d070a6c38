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

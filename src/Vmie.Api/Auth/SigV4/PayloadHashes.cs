namespace Vmie.Api.Auth.SigV4;

/// <summary>
/// The values the last line of a SigV4 canonical request (and x-amz-content-sha256) may take: a hex SHA-256
/// of the body or one of the literals below.
/// </summary>
public static class PayloadHashes
{
    /// <summary>Hex SHA-256 of zero bytes.</summary>
    public const string EmptyBody = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    public const string UnsignedPayload = "UNSIGNED-PAYLOAD";

    /// <summary>aws-chunked body, every chunk signed.</summary>
    public const string StreamingSigned = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD";

    /// <summary>aws-chunked body, every chunk signed, then signed trailing headers.</summary>
    public const string StreamingSignedWithTrailer = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER";

    /// <summary>aws-chunked body without chunk signatures, then trailing headers (a checksum).</summary>
    public const string StreamingUnsignedWithTrailer = "STREAMING-UNSIGNED-PAYLOAD-TRAILER";

    /// <summary>True for 64 hexadecimal digits (either case).</summary>
    public static bool IsHexSha256(string? value)
    {
        if (value is null || value.Length != 64)
        {
            return false;
        }

        foreach (var c in value)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>True for the values this service can verify: a hex SHA-256 or one of the literals above.</summary>
    public static bool IsSupported(string? value) =>
        value is UnsignedPayload or StreamingSigned or StreamingSignedWithTrailer or StreamingUnsignedWithTrailer
        || IsHexSha256(value);

    /// <summary>True for the three values that announce a Content-Encoding: aws-chunked body.</summary>
    public static bool IsStreaming(string? value) =>
        value is StreamingSigned or StreamingSignedWithTrailer or StreamingUnsignedWithTrailer;
}

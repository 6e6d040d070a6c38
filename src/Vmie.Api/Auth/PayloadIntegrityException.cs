namespace Vmie.Api.Auth;

/// <summary>
/// Thrown while reading a request body whose bytes do not match what the request promised: a chunk
/// signature, a trailing checksum, x-amz-content-sha256, or the declared length. Carries the S3 error
/// code to answer with (SignatureDoesNotMatch, BadDigest, XAmzContentSHA256Mismatch, IncompleteBody,
/// InvalidRequest...). Whoever consumes the body must discard what it wrote.
/// </summary>
public sealed class PayloadIntegrityException : IOException
{
    public PayloadIntegrityException(string code, string message)
        : base(message)
    {
        Code = code;
    }

    public string Code { get; }
}

namespace Vmie.Api.Auth.SigV4;

/// <summary>Why verification failed, with what the protocols need to build their error response.
/// Never contains a secret.</summary>
public sealed class SigV4Failure
{
    internal SigV4Failure(SigV4FailureKind kind, string message)
    {
        Kind = kind;
        Message = message;
    }

    public SigV4FailureKind Kind { get; }

    /// <summary>An AWS-like message for the failure (S3 wording where AWS has one).</summary>
    public string Message { get; }

    /// <summary>Set for <see cref="SigV4FailureKind.Expired"/>.</summary>
    public SigV4ExpiryReason? ExpiryReason { get; init; }

    /// <summary>The access key id the request claimed, when it could be parsed.</summary>
    public string? AccessKeyId { get; init; }

    /// <summary>For <see cref="SigV4FailureKind.SignatureMismatch"/>: the canonical request the server computed.</summary>
    public string? CanonicalRequest { get; init; }

    /// <summary>For <see cref="SigV4FailureKind.SignatureMismatch"/>: the string to sign the server computed.</summary>
    public string? StringToSign { get; init; }

    /// <summary>For <see cref="SigV4FailureKind.SignatureMismatch"/>: the signature the client sent.</summary>
    public string? SignatureProvided { get; init; }

    /// <summary>For <see cref="SigV4FailureKind.Expired"/>: the request time (X-Amz-Date or Date).</summary>
    public DateTimeOffset? RequestTime { get; init; }

    /// <summary>For <see cref="SigV4FailureKind.Expired"/>: the server time at verification.</summary>
    public DateTimeOffset? ServerTime { get; init; }

    /// <summary>For <see cref="SigV4FailureKind.Expired"/> with a presigned URL: when it expired.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>For <see cref="SigV4FailureKind.UnsignedHeaders"/>: the lower-case names of those headers.</summary>
    public IReadOnlyList<string> UnsignedHeaderNames { get; init; } = [];

    public override string ToString() => $"{Kind}: {Message}";
}

namespace Vmie.Api.Auth.SigV4;

/// <summary>Why a request failed SigV4 verification; each protocol maps it to its own error code.</summary>
public enum SigV4FailureKind
{
    /// <summary>No Authorization header and no X-Amz-* query authentication.
    /// EC2: MissingAuthenticationToken; S3: AccessDenied (anonymous access is not offered).</summary>
    Missing,

    /// <summary>Unparseable Authorization header, credential or scope, scope date not the request date, host not
    /// signed, unsupported algorithm, bad X-Amz-Expires, invalid payload hash... The message says what.
    /// EC2: IncompleteSignature / AuthFailure; S3: AuthorizationHeaderMalformed, AuthorizationQueryParametersError
    /// or InvalidArgument.</summary>
    Malformed,

    /// <summary>The access key id is not in the credential store.
    /// EC2: AuthFailure; S3: InvalidAccessKeyId.</summary>
    UnknownAccessKey,

    /// <summary>The signature does not match; the failure carries the canonical request and string to sign.
    /// EC2: SignatureDoesNotMatch (or AuthFailure); S3: SignatureDoesNotMatch.</summary>
    SignatureMismatch,

    /// <summary>Clock skew over 15 minutes, presigned URL past its expiry, or presigned URL dated in the future;
    /// see <see cref="SigV4Failure.ExpiryReason"/>. EC2: RequestExpired; S3: RequestTimeTooSkewed (skew) or
    /// AccessDenied (presigned expiry).</summary>
    Expired,

    /// <summary>A presigned request carries x-amz-* headers its signature does not cover.
    /// S3: AccessDenied "There were headers present in the request which were not signed".</summary>
    UnsignedHeaders,
}

using Vmie.Api.Auth.Credentials;

namespace Vmie.Api.Auth.SigV4;

/// <summary>A request whose SigV4 signature checked out, and what later steps need from it.</summary>
public sealed class SigV4VerifiedRequest
{
    internal SigV4VerifiedRequest(
        AccessCredential credential,
        CredentialScope scope,
        string signature,
        ReadOnlyMemory<byte> signingKey,
        DateTimeOffset timestamp,
        string timestampText,
        string payloadHash,
        IReadOnlyList<string> signedHeaders,
        bool isPresigned,
        DateTimeOffset? expiresAt,
        string? securityToken)
    {
        Credential = credential;
        Region = scope.Region;
        Service = scope.Service;
        Scope = scope.ToString();
        Signature = signature;
        SigningKey = signingKey;
        Timestamp = timestamp;
        TimestampText = timestampText;
        PayloadHash = payloadHash;
        SignedHeaders = signedHeaders;
        IsPresigned = isPresigned;
        ExpiresAt = expiresAt;
        SecurityToken = securityToken;
    }

    public AccessCredential Credential { get; }

    /// <summary>Region of the credential scope; the caller decides whether it accepts it.</summary>
    public string Region { get; }

    /// <summary>Service of the credential scope (ec2, s3...); the caller must check it is its own.</summary>
    public string Service { get; }

    /// <summary>Credential scope, e.g. 20130524/us-east-1/s3/aws4_request.</summary>
    public string Scope { get; }

    /// <summary>The verified request signature (lower-case hex); the seed signature of an aws-chunked body.</summary>
    public string Signature { get; }

    /// <summary>The derived signing key; secret material, never log it.</summary>
    public ReadOnlyMemory<byte> SigningKey { get; }

    public DateTimeOffset Timestamp { get; }

    /// <summary>The timestamp as signed, ISO 8601 basic form (20130524T000000Z).</summary>
    public string TimestampText { get; }

    /// <summary>The payload hash the signature covers: hex SHA-256, UNSIGNED-PAYLOAD or a STREAMING-* literal.</summary>
    public string PayloadHash { get; }

    /// <summary>Lower-case names of the signed headers, sorted.</summary>
    public IReadOnlyList<string> SignedHeaders { get; }

    /// <summary>True when authenticated by X-Amz-* query parameters rather than the Authorization header.</summary>
    public bool IsPresigned { get; }

    /// <summary>For presigned requests: X-Amz-Date + X-Amz-Expires.</summary>
    public DateTimeOffset? ExpiresAt { get; }

    /// <summary>x-amz-security-token / X-Amz-Security-Token when sent; not validated here (no STS sessions).</summary>
    public string? SecurityToken { get; }

    /// <summary>What <see cref="Payload.AwsChunkedDecodingStream"/> needs to verify chunk signatures.</summary>
    public StreamingSignatureSeed StreamingSeed => new(SigningKey, TimestampText, Scope, Signature);

    public AuthenticatedCaller ToCaller() => new(Credential, Region, Service);

    public override string ToString() =>
        $"SigV4VerifiedRequest {{ AccessKeyId = {Credential.AccessKeyId}, Scope = {Scope}, Presigned = {IsPresigned} }}";
}

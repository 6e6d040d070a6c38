namespace Vmie.Api.Auth.SigV4;

/// <summary>
/// What verifying the chunk and trailer signatures of an aws-chunked body needs from the request that
/// carried it: the derived signing key, the request timestamp and scope, and the request's own signature,
/// which seeds the chain of chunk signatures.
/// </summary>
public sealed class StreamingSignatureSeed
{
    public StreamingSignatureSeed(ReadOnlyMemory<byte> signingKey, string timestamp, string scope, string seedSignature)
    {
        ArgumentException.ThrowIfNullOrEmpty(timestamp);
        ArgumentException.ThrowIfNullOrEmpty(scope);
        if (signingKey.Length != 32)
        {
            throw new ArgumentException("A SigV4 signing key is 32 bytes.", nameof(signingKey));
        }

        if (!PayloadHashes.IsHexSha256(seedSignature))
        {
            throw new ArgumentException("A SigV4 signature is 64 hex digits.", nameof(seedSignature));
        }

        SigningKey = signingKey;
        Timestamp = timestamp;
        Scope = scope;
        SeedSignature = seedSignature.ToLowerInvariant();
    }

    /// <summary>HMAC key derived from the secret; secret material, never log it.</summary>
    public ReadOnlyMemory<byte> SigningKey { get; }

    /// <summary>Request timestamp in ISO 8601 basic form, e.g. 20130524T000000Z.</summary>
    public string Timestamp { get; }

    /// <summary>Credential scope, e.g. 20130524/us-east-1/s3/aws4_request.</summary>
    public string Scope { get; }

    /// <summary>Lower-case hex signature of the request headers.</summary>
    public string SeedSignature { get; }

    /// <summary>Derives the seed from a secret directly (tests, tools); the verifier hands out cached keys.</summary>
    public static StreamingSignatureSeed FromSecret(string secretAccessKey, string timestamp, string region, string service, string seedSignature)
    {
        ArgumentNullException.ThrowIfNull(timestamp);
        if (timestamp.Length < 8)
        {
            throw new ArgumentException("Timestamp must be yyyyMMddTHHmmssZ.", nameof(timestamp));
        }

        var date = timestamp[..8];
        var key = SigV4Signing.DeriveSigningKey(secretAccessKey, date, region, service);
        return new StreamingSignatureSeed(key, timestamp, $"{date}/{region}/{service}/{SigV4Signing.Terminator}", seedSignature);
    }

    public override string ToString() => $"StreamingSignatureSeed {{ Timestamp = {Timestamp}, Scope = {Scope}, SeedSignature = {SeedSignature} }}";
}

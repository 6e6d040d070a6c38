namespace Vmie.Api.Auth.SigV4;

/// <summary>What a request says about its own signature, from the Authorization header or the X-Amz-* query.</summary>
internal sealed record SignatureParameters(
    CredentialScope Scope,
    IReadOnlyList<string> SignedHeaders,
    string Signature,
    bool IsPresigned,
    string? PresignedDate,
    int? PresignedExpiresSeconds,
    string? PresignedSecurityToken)
{
    public const string AlgorithmParameter = "X-Amz-Algorithm";
    public const string CredentialParameter = "X-Amz-Credential";
    public const string DateParameter = "X-Amz-Date";
    public const string ExpiresParameter = "X-Amz-Expires";
    public const string SignedHeadersParameter = "X-Amz-SignedHeaders";
    public const string SignatureParameter = "X-Amz-Signature";
    public const string SecurityTokenParameter = "X-Amz-Security-Token";

    public static bool IsPresignedQuery(IReadOnlyList<QueryParameter> query) =>
        query.Any(p => p.Name is AlgorithmParameter or CredentialParameter or SignatureParameter);

    /// <summary>Parses "AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...".</summary>
    public static SignatureParameters? FromAuthorizationHeader(string header, out string error, out string? accessKeyId)
    {
        accessKeyId = null;
        var value = header.Trim();
        var space = value.IndexOf(' ', StringComparison.Ordinal);
        var algorithm = space < 0 ? value : value[..space];
        if (algorithm != SigV4Signing.Algorithm)
        {
            error = UnsupportedAlgorithmMessage(algorithm);
            return null;
        }

        string? credential = null, signedHeaders = null, signature = null;
        var components = space < 0 ? [] : value[(space + 1)..].Split(',');
        foreach (var rawPart in components)
        {
            var part = rawPart.Trim();
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                error = $"The authorization header is malformed; the authorization component \"{part}\" is malformed.";
                return null;
            }

            var name = part[..equals];
            var component = part[(equals + 1)..];
            ref var slot = ref credential;
            switch (name)
            {
                case "Credential":
                    slot = ref credential;
                    break;
                case "SignedHeaders":
                    slot = ref signedHeaders;
                    break;
                case "Signature":
                    slot = ref signature;
                    break;
                default:
                    error = $"The authorization header is malformed; the authorization component \"{part}\" is malformed.";
                    return null;
            }

            if (slot is not null)
            {
                error = $"The authorization header is malformed; {name} appears more than once.";
                return null;
            }

            slot = component;
        }

        if (credential is null || signedHeaders is null || signature is null)
        {
            error = "The authorization header is malformed; it must contain Credential, SignedHeaders and Signature.";
            return null;
        }

        return Complete(credential, signedHeaders, signature, null, null, null, isPresigned: false, out error, out accessKeyId);
    }

    /// <summary>Parses the X-Amz-* query parameters of a presigned URL.</summary>
    public static SignatureParameters? FromPresignedQuery(IReadOnlyList<QueryParameter> query, out string error, out string? accessKeyId)
    {
        accessKeyId = null;
        string? Single(string name, out bool repeated)
        {
            var matches = query.Where(p => p.Name == name).ToList();
            repeated = matches.Count > 1;
            return matches.Count == 0 ? null : matches[0].Value;
        }

        string?[] values = new string?[7];
        string[] names = [AlgorithmParameter, CredentialParameter, DateParameter, ExpiresParameter, SignedHeadersParameter, SignatureParameter, SecurityTokenParameter];
        for (var i = 0; i < names.Length; i++)
        {
            values[i] = Single(names[i], out var repeated);
            if (repeated)
            {
                error = $"Query-string authentication requires a single {names[i]} parameter.";
                return null;
            }
        }

        var (algorithm, credential, date, expires, signedHeaders, signature, token) = (values[0], values[1], values[2], values[3], values[4], values[5], values[6]);
        if (algorithm is null || credential is null || date is null || expires is null || signedHeaders is null || signature is null)
        {
            error = "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.";
            return null;
        }

        if (algorithm != SigV4Signing.Algorithm)
        {
            error = UnsupportedAlgorithmMessage(algorithm);
            return null;
        }

        if (!int.TryParse(expires, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var expiresSeconds)
            || expiresSeconds < 1)
        {
            error = "X-Amz-Expires must be a positive number of seconds.";
            return null;
        }

        if (expiresSeconds > SigV4Verifier.MaxPresignedExpirySeconds)
        {
            error = $"X-Amz-Expires must be less than a week (in seconds) that is {SigV4Verifier.MaxPresignedExpirySeconds}";
            return null;
        }

        return Complete(credential, signedHeaders, signature, date, expiresSeconds, token, isPresigned: true, out error, out accessKeyId);
    }

    private static SignatureParameters? Complete(
        string credential,
        string signedHeaders,
        string signature,
        string? date,
        int? expires,
        string? token,
        bool isPresigned,
        out string error,
        out string? accessKeyId)
    {
        accessKeyId = null;
        if (!CredentialScope.TryParse(credential, out var scope))
        {
            error = $"The Credential is mal-formed; expecting \"{CredentialScope.ExpectedForm}\".";
            return null;
        }

        accessKeyId = scope.AccessKeyId;
        var headerNames = signedHeaders.Split(';');
        if (headerNames.Any(h => h.Length == 0 || h.Any(char.IsWhiteSpace)))
        {
            error = $"The SignedHeaders value \"{signedHeaders}\" is malformed.";
            return null;
        }

        var sorted = headerNames.Select(h => h.ToLowerInvariant()).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        if (!sorted.Contains("host"))
        {
            error = "The host header must be signed.";
            return null;
        }

        error = string.Empty;
        return new SignatureParameters(scope, sorted, signature, isPresigned, date, expires, token);
    }

    private static string UnsupportedAlgorithmMessage(string algorithm) => algorithm switch
    {
        "AWS4-ECDSA-P256-SHA256" => "Unsupported signing algorithm AWS4-ECDSA-P256-SHA256 (SigV4a); sign with AWS4-HMAC-SHA256.",
        "AWS" => "Signature Version 2 is not supported; sign with AWS4-HMAC-SHA256.",
        _ => $"Unsupported Authorization Type \"{algorithm}\"; sign with AWS4-HMAC-SHA256.",
    };
}

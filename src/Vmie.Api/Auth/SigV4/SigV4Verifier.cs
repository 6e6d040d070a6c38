using System.Globalization;
using Vmie.Api.Auth.Credentials;

namespace Vmie.Api.Auth.SigV4;

/// <summary>
/// Verifies AWS Signature Version 4 (AWS4-HMAC-SHA256) on one request, signed either with an Authorization
/// header or with presigned X-Amz-* query parameters. Pure: no HTTP framework types, no I/O beyond the
/// credential store. Thread-safe; derived signing keys are cached per secret/date/region/service.
/// </summary>
public sealed class SigV4Verifier
{
    public const int MaxPresignedExpirySeconds = 604800;

    /// <summary>How far the request time may be from the server clock (and how far a presigned URL may be
    /// dated in the future).</summary>
    public static readonly TimeSpan MaxClockSkew = TimeSpan.FromMinutes(15);

    private const string TimestampFormat = "yyyyMMdd'T'HHmmss'Z'";
    private const string MissingMessage = "Request is missing Authentication Token";
    private const string UnknownKeyMessage = "The AWS Access Key Id you provided does not exist in our records.";
    private const string MismatchMessage = "The request signature we calculated does not match the signature you provided. Check your key and signing method.";
    private const string SkewMessage = "The difference between the request time and the current time is too large.";
    private const string PresignedExpiredMessage = "Request has expired";
    private const string NotYetValidMessage = "Request is not valid yet";
    private const string UnsignedHeadersMessage = "There were headers present in the request which were not signed";

    private readonly ICredentialStore _credentials;
    private readonly TimeProvider _timeProvider;
    private readonly SigningKeyCache _signingKeys = new();

    public SigV4Verifier(ICredentialStore credentials, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _credentials = credentials;
        _timeProvider = timeProvider;
    }

    public SigV4Outcome Verify(SigV4Request request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var headers = new RequestHeaders(request.Headers);
        var rawQuery = request.RawQuery.StartsWith('?') ? request.RawQuery[1..] : request.RawQuery;
        var query = QueryParameter.ParseAll(rawQuery);

        var authorization = headers.GetAll("authorization");
        var presigned = SignatureParameters.IsPresignedQuery(query);
        if (authorization.Count == 0 && !presigned)
        {
            return Fail(SigV4FailureKind.Missing, MissingMessage);
        }

        if (authorization.Count > 0 && presigned)
        {
            return Fail(SigV4FailureKind.Malformed, "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter or the Authorization header should be specified.");
        }

        if (authorization.Count > 1)
        {
            return Fail(SigV4FailureKind.Malformed, "The Authorization header appears more than once.");
        }

        string error;
        string? accessKeyId;
        var parameters = presigned
            ? SignatureParameters.FromPresignedQuery(query, out error, out accessKeyId)
            : SignatureParameters.FromAuthorizationHeader(authorization[0], out error, out accessKeyId);
        if (parameters is null)
        {
            return Fail(SigV4FailureKind.Malformed, error, accessKeyId);
        }

        accessKeyId = parameters.Scope.AccessKeyId;
        if (!TryReadTimestamp(parameters, headers, out var timestamp, out var timestampText, out error))
        {
            return Fail(SigV4FailureKind.Malformed, error, accessKeyId);
        }

        if (parameters.Scope.Date != timestampText[..8])
        {
            return Fail(SigV4FailureKind.Malformed, $"Invalid credential date \"{parameters.Scope.Date}\": it is not the date of the request time {timestampText}.", accessKeyId);
        }

        var isS3 = parameters.Scope.Service == "s3";
        var payloadHash = request.PayloadHash ?? (presigned && isS3 ? PayloadHashes.UnsignedPayload : null);
        if (payloadHash is null)
        {
            return Fail(SigV4FailureKind.Malformed, "Missing required header for this request: x-amz-content-sha256", accessKeyId);
        }

        if (!PayloadHashes.IsSupported(payloadHash))
        {
            return Fail(SigV4FailureKind.Malformed, $"x-amz-content-sha256 must be {PayloadHashes.UnsignedPayload}, {PayloadHashes.StreamingSigned}, {PayloadHashes.StreamingSignedWithTrailer}, {PayloadHashes.StreamingUnsignedWithTrailer}, or a valid sha256 value.", accessKeyId);
        }

        var credential = _credentials.Find(accessKeyId);
        if (credential is null)
        {
            return Fail(SigV4FailureKind.UnknownAccessKey, UnknownKeyMessage, accessKeyId);
        }

        var now = _timeProvider.GetUtcNow();
        DateTimeOffset? expiresAt = null;
        if (presigned)
        {
            expiresAt = timestamp.AddSeconds(parameters.PresignedExpiresSeconds!.Value);
            if (timestamp - now > MaxClockSkew)
            {
                return Expired(SigV4ExpiryReason.NotYetValid, NotYetValidMessage, accessKeyId, timestamp, now, expiresAt);
            }

            if (now > expiresAt)
            {
                return Expired(SigV4ExpiryReason.PresignedUrlExpired, PresignedExpiredMessage, accessKeyId, timestamp, now, expiresAt);
            }
        }
        else if ((now - timestamp).Duration() > MaxClockSkew)
        {
            return Expired(SigV4ExpiryReason.ClockSkew, SkewMessage, accessKeyId, timestamp, now, null);
        }

        var canonicalUri = isS3 ? CanonicalRequest.S3Uri(request.RawPath) : CanonicalRequest.NormalizedUri(request.RawPath);
        var canonicalQuery = CanonicalRequest.Query(presigned ? query.Where(p => p.Name != SignatureParameters.SignatureParameter) : query);
        var canonicalRequest = CanonicalRequest.Build(request.Method, canonicalUri, canonicalQuery, headers, parameters.SignedHeaders, payloadHash);
        var scope = parameters.Scope.ToString();
        var stringToSign = SigV4Signing.BuildStringToSign(timestampText, scope, canonicalRequest);
        var signingKey = _signingKeys.Get(credential.SecretAccessKey, parameters.Scope.Date, parameters.Scope.Region, parameters.Scope.Service);
        var computed = SigV4Signing.Sign(signingKey.Span, stringToSign);
        if (!SigV4Signing.SignatureEquals(parameters.Signature, computed))
        {
            return SigV4Outcome.Fail(new SigV4Failure(SigV4FailureKind.SignatureMismatch, MismatchMessage)
            {
                AccessKeyId = accessKeyId,
                CanonicalRequest = canonicalRequest,
                StringToSign = stringToSign,
                SignatureProvided = parameters.Signature,
            });
        }

        if (presigned || parameters.Scope.Service == "s3")
        {
            // Anyone holding a presigned URL, or replaying a captured request within its validity, could
            // otherwise add headers that change what an S3 request does (x-amz-copy-source turns a PUT into
            // a copy, x-amz-meta-* rewrites metadata), so every x-amz-* header must be covered, as S3 requires.
            // Exempt: x-amz-content-sha256 (when used, it is the payload hash the signature covers) and
            // x-amz-user-agent (informational; the .NET SDK does not sign it).
            var unsigned = headers.Names
                .Where(n => n.StartsWith("x-amz-", StringComparison.Ordinal) && n is not ("x-amz-content-sha256" or "x-amz-user-agent") && !parameters.SignedHeaders.Contains(n))
                .Order(StringComparer.Ordinal)
                .ToList();
            if (unsigned.Count > 0)
            {
                return SigV4Outcome.Fail(new SigV4Failure(SigV4FailureKind.UnsignedHeaders, UnsignedHeadersMessage)
                {
                    AccessKeyId = accessKeyId,
                    UnsignedHeaderNames = unsigned,
                });
            }
        }

        var securityToken = presigned ? parameters.PresignedSecurityToken : headers.GetSingle("x-amz-security-token", out _);
        return SigV4Outcome.Success(new SigV4VerifiedRequest(
            credential,
            parameters.Scope,
            Convert.ToHexStringLower(computed),
            signingKey,
            timestamp,
            timestampText,
            payloadHash,
            parameters.SignedHeaders,
            presigned,
            expiresAt,
            securityToken));
    }

    /// <summary>X-Amz-Date (query for presigned, header otherwise), or the Date header when x-amz-date is absent.</summary>
    private static bool TryReadTimestamp(
        SignatureParameters parameters,
        RequestHeaders headers,
        out DateTimeOffset timestamp,
        out string timestampText,
        out string error)
    {
        timestamp = default;
        timestampText = string.Empty;
        error = string.Empty;
        string? amzDate;
        if (parameters.IsPresigned)
        {
            amzDate = parameters.PresignedDate;
        }
        else
        {
            amzDate = headers.GetSingle("x-amz-date", out var repeated);
            if (repeated)
            {
                error = "The x-amz-date header appears more than once.";
                return false;
            }
        }

        if (amzDate is not null)
        {
            if (!DateTimeOffset.TryParseExact(amzDate.Trim(), TimestampFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out timestamp))
            {
                error = $"X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\", not \"{amzDate}\".";
                return false;
            }

            timestampText = amzDate.Trim();
            return true;
        }

        var date = headers.GetSingle("date", out var dateRepeated);
        if (date is null || dateRepeated)
        {
            error = "AWS authentication requires a valid Date or x-amz-date header";
            return false;
        }

        if (!DateTimeOffset.TryParseExact(date.Trim(), "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out timestamp))
        {
            error = $"The Date header \"{date}\" is not an RFC 1123 date; AWS authentication requires a valid Date or x-amz-date header";
            return false;
        }

        timestampText = timestamp.ToString(TimestampFormat, CultureInfo.InvariantCulture);
        return true;
    }

    private static SigV4Outcome Fail(SigV4FailureKind kind, string message, string? accessKeyId = null) =>
        SigV4Outcome.Fail(new SigV4Failure(kind, message) { AccessKeyId = accessKeyId });

    private static SigV4Outcome Expired(SigV4ExpiryReason reason, string message, string accessKeyId, DateTimeOffset requestTime, DateTimeOffset serverTime, DateTimeOffset? expiresAt) =>
        SigV4Outcome.Fail(new SigV4Failure(SigV4FailureKind.Expired, message)
        {
            ExpiryReason = reason,
            AccessKeyId = accessKeyId,
            RequestTime = requestTime,
            ServerTime = serverTime,
            ExpiresAt = expiresAt,
        });
}

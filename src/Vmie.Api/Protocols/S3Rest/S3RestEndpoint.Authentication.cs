using Microsoft.AspNetCore.Http;
using Vmie.Api.Auth.SigV4;

namespace Vmie.Api.Protocols.S3Rest;

public sealed partial class S3RestEndpoint
{
    /// <summary>
    /// Answers a request whose SigV4 verification failed with S3's own error: AccessDenied when unsigned
    /// or expired, InvalidAccessKeyId, SignatureDoesNotMatch (with the string to sign and canonical request
    /// S3 returns to help debugging — neither contains a secret), RequestTimeTooSkewed, or a malformed
    /// authorization error.
    /// </summary>
    public Task WriteAuthenticationFailureAsync(HttpContext context, SigV4Failure failure)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(failure);
        var target = S3RequestTarget.Resolve(context, _options);
        var presigned = context.Request.Query.ContainsKey("X-Amz-Credential");
        var (code, message) = failure.Kind switch
        {
            SigV4FailureKind.Missing => ("AccessDenied", "Access Denied"),
            SigV4FailureKind.UnknownAccessKey => ("InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records."),
            SigV4FailureKind.SignatureMismatch => ("SignatureDoesNotMatch", failure.Message),
            SigV4FailureKind.Expired when failure.ExpiryReason == SigV4ExpiryReason.ClockSkew => ("RequestTimeTooSkewed", failure.Message),
            SigV4FailureKind.Expired => ("AccessDenied", failure.Message),
            SigV4FailureKind.UnsignedHeaders => ("AccessDenied", failure.Message),
            _ when presigned => ("AuthorizationQueryParametersError", failure.Message),
            _ => ("AuthorizationHeaderMalformed", failure.Message),
        };

        var response = context.Response;
        response.Headers["x-amz-request-id"] = context.TraceIdentifier;
        var status = S3ErrorStatus.Of(code);
        if (HttpMethods.IsHead(context.Request.Method))
        {
            response.StatusCode = status;
            return Task.CompletedTask;
        }

        return S3Xml.WriteAsync(response, status, "Error", writer =>
        {
            writer.WriteElementString("Code", code);
            writer.WriteElementString("Message", message);
            if (failure.AccessKeyId is not null)
            {
                writer.WriteElementString("AWSAccessKeyId", failure.AccessKeyId);
            }

            if (failure.Kind == SigV4FailureKind.SignatureMismatch)
            {
                writer.WriteElementString("StringToSign", failure.StringToSign);
                writer.WriteElementString("SignatureProvided", failure.SignatureProvided);
                writer.WriteElementString("CanonicalRequest", failure.CanonicalRequest);
            }

            if (failure.RequestTime is { } requestTime && code == "RequestTimeTooSkewed")
            {
                writer.WriteElementString("RequestTime", requestTime.UtcDateTime.ToString("R"));
                writer.WriteElementString("ServerTime", (failure.ServerTime ?? DateTimeOffset.UtcNow).UtcDateTime.ToString("R"));
                writer.WriteElementString("MaxAllowedSkewMilliseconds", "900000");
            }

            writer.WriteElementString("Resource", target.Resource);
            writer.WriteElementString("RequestId", context.TraceIdentifier);
        }, rootNamespace: null);
    }

    /// <summary>Answers a request refused before dispatch (an unusable body encoding, an unsigned request).</summary>
    public Task WriteErrorAsync(HttpContext context, string code, string message)
    {
        ArgumentNullException.ThrowIfNull(context);
        return S3ErrorResponse.WriteAsync(context, S3RequestTarget.Resolve(context, _options), code, message);
    }
}

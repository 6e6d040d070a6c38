using System.Diagnostics;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;
using Vmie.Api.Auth;
using Vmie.Api.Auth.Payload;
using Vmie.Api.Auth.SigV4;
using Vmie.Api.Protocols.Ec2Query.Dispatch;
using Vmie.Api.Protocols.S3Rest;
using Vmie.Ec2.Errors;
using Vmie.Ec2.Requests;

namespace Vmie.Api.Hosting;

/// <summary>
/// The single entry point of every HTTP request: gives it an id, finds the service and region it was
/// signed for, verifies the signature, protects the body, and hands it to the protocol that serves it.
/// </summary>
internal sealed class RequestGateway
{
    /// <summary>EC2 Query requests are small forms; anything larger is refused before it is read.</summary>
    private const int MaxEc2BodyBytes = 1024 * 1024;

    private readonly SigV4Verifier _verifier;
    private readonly Ec2QueryEndpoint _ec2;
    private readonly S3RestEndpoint _s3;
    private readonly ILogger<RequestGateway> _logger;

    public RequestGateway(SigV4Verifier verifier, Ec2QueryEndpoint ec2, S3RestEndpoint s3, ILogger<RequestGateway> logger)
    {
        _verifier = verifier;
        _ec2 = ec2;
        _s3 = s3;
        _logger = logger;
    }

    public async Task InvokeAsync(HttpContext context)
    {
        var started = Stopwatch.GetTimestamp();
        var requestId = NewRequestId();
        context.TraceIdentifier = requestId;
        context.Response.Headers["x-amz-request-id"] = requestId;
        context.Response.Headers["x-amzn-RequestId"] = requestId;

        var service = SignedService(context.Request);
        try
        {
            switch (service)
            {
                case "ec2":
                    await HandleEc2Async(context).ConfigureAwait(false);
                    break;
                case "s3":
                    await HandleS3Async(context).ConfigureAwait(false);
                    break;
                case null when LooksLikeEc2Query(context.Request):
                    await _ec2.WriteErrorAsync(context, new Ec2Exception("AuthFailure", "AWS was not able to validate the provided access credentials", StatusCodes.Status401Unauthorized)).ConfigureAwait(false);
                    break;
                case null:
                    await _s3.WriteErrorAsync(context, "AccessDenied", "Access Denied").ConfigureAwait(false);
                    break;
                default:
                    await UnservedApiResponse.WriteAsync(context, service).ConfigureAwait(false);
                    break;
            }
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; there is nobody to answer.
        }
        catch (BadHttpRequestException e)
        {
            _logger.LogInformation("Request {RequestId} was malformed at the HTTP level: {Reason}", requestId, e.Message);
            if (!context.Response.HasStarted)
            {
                context.Response.StatusCode = e.StatusCode;
            }
        }
        finally
        {
            // The raw path, as the client sent it: the normalised one can name a different resource.
            _logger.LogInformation(
                "{Method} {Path} {Service} -> {Status} in {Elapsed:F1} ms [{RequestId}]",
                context.Request.Method,
                RawPathAndQuery(context.Request).RawPath,
                service ?? "unsigned",
                context.Response.StatusCode,
                Stopwatch.GetElapsedTime(started).TotalMilliseconds,
                requestId);
        }
    }

    private async Task HandleEc2Async(HttpContext context)
    {
        var request = context.Request;
        if (request.ContentLength > MaxEc2BodyBytes)
        {
            await _ec2.WriteErrorAsync(context, new Ec2Exception("InvalidParameterValue", $"The request body exceeds {MaxEc2BodyBytes} bytes.", StatusCodes.Status413PayloadTooLarge)).ConfigureAwait(false);
            return;
        }

        var body = await ReadBoundedAsync(request.Body, MaxEc2BodyBytes, context.RequestAborted).ConfigureAwait(false);
        if (body is null)
        {
            await _ec2.WriteErrorAsync(context, new Ec2Exception("InvalidParameterValue", $"The request body exceeds {MaxEc2BodyBytes} bytes.", StatusCodes.Status413PayloadTooLarge)).ConfigureAwait(false);
            return;
        }

        var outcome = _verifier.Verify(ToSigV4Request(request, Convert.ToHexStringLower(SHA256.HashData(body))));
        if (!outcome.Succeeded)
        {
            var failure = outcome.Failure!;
            var (code, status) = failure.Kind switch
            {
                SigV4FailureKind.Expired => ("RequestExpired", StatusCodes.Status400BadRequest),
                SigV4FailureKind.Malformed => ("IncompleteSignature", StatusCodes.Status400BadRequest),
                _ => ("AuthFailure", StatusCodes.Status401Unauthorized),
            };
            var message = failure.Kind switch
            {
                SigV4FailureKind.Malformed or SigV4FailureKind.Expired => failure.Message,
                _ => "AWS was not able to validate the provided access credentials",
            };
            await _ec2.WriteErrorAsync(context, new Ec2Exception(code, message, status)).ConfigureAwait(false);
            return;
        }

        var verified = outcome.Verified!;
        if (verified.Service != "ec2")
        {
            await _ec2.WriteErrorAsync(context, new Ec2Exception("AuthFailure", $"The request is signed for the '{verified.Service}' service, not ec2.", StatusCodes.Status401Unauthorized)).ConfigureAwait(false);
            return;
        }

        var parameters = FormParameters.Parse(request.QueryString.Value, IsForm(request) ? body : []);
        var requestContext = new Ec2RequestContext(verified.Credential.AccountId, verified.Region, verified.Credential.AccessKeyId, context.TraceIdentifier);
        context.Features.Set(verified.ToCaller());
        await _ec2.HandleAsync(context, requestContext, parameters).ConfigureAwait(false);
    }

    private async Task HandleS3Async(HttpContext context)
    {
        var request = context.Request;
        var contentSha256 = Single(request.Headers["x-amz-content-sha256"]);
        var outcome = _verifier.Verify(ToSigV4Request(request, contentSha256));
        if (!outcome.Succeeded)
        {
            await _s3.WriteAuthenticationFailureAsync(context, outcome.Failure!).ConfigureAwait(false);
            return;
        }

        var verified = outcome.Verified!;
        if (verified.Service != "s3")
        {
            await _s3.WriteErrorAsync(context, "AccessDenied", $"The request is signed for the '{verified.Service}' service, not s3.").ConfigureAwait(false);
            return;
        }

        try
        {
            request.Body = ProtectBody(request, verified, contentSha256);
        }
        catch (PayloadIntegrityException e)
        {
            await _s3.WriteErrorAsync(context, e.Code, e.Message).ConfigureAwait(false);
            return;
        }

        context.Features.Set(verified.ToCaller());
        await _s3.HandleAsync(context).ConfigureAwait(false);
    }

    /// <summary>
    /// Wraps the body so that reading it verifies what the signature promised: every chunk and the
    /// trailing checksum of an aws-chunked body, or the whole body's SHA-256.
    /// </summary>
    private static Stream ProtectBody(HttpRequest request, SigV4VerifiedRequest verified, string? contentSha256)
    {
        if (PayloadHashes.IsStreaming(contentSha256))
        {
            var settings = AwsChunkedSettings.FromHeaders(
                contentSha256!,
                Single(request.Headers["x-amz-trailer"]),
                Single(request.Headers["x-amz-decoded-content-length"]),
                verified);
            return new AwsChunkedDecodingStream(request.Body, settings, leaveOpen: true);
        }

        if (PayloadHashes.IsHexSha256(contentSha256))
        {
            return new ContentSha256VerifyingStream(request.Body, contentSha256!, leaveOpen: true);
        }

        return request.Body;
    }

    private static SigV4Request ToSigV4Request(HttpRequest request, string? payloadHash)
    {
        var headers = new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in request.Headers)
        {
            headers[name] = values.Where(v => v is not null).Select(v => v!).ToArray();
        }

        var (rawPath, rawQuery) = RawPathAndQuery(request);
        return new SigV4Request(request.Method, rawPath, rawQuery, headers, payloadHash);
    }

    /// <summary>Kestrel keeps the raw target; signatures and S3 keys cover the path exactly as the client sent it.</summary>
    private static (string RawPath, string RawQuery) RawPathAndQuery(HttpRequest request)
    {
        var rawTarget = request.HttpContext.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestFeature>()?.RawTarget ?? request.Path.Value ?? "/";
        var queryStart = rawTarget.IndexOf('?', StringComparison.Ordinal);
        return queryStart < 0 ? (rawTarget, string.Empty) : (rawTarget[..queryStart], rawTarget[(queryStart + 1)..]);
    }

    /// <summary>The service named by the SigV4 credential scope of the header or the presigned query; null when unsigned.</summary>
    internal static string? SignedService(HttpRequest request)
    {
        string? credential = null;
        var authorization = Single(request.Headers.Authorization);
        if (authorization is not null)
        {
            var start = authorization.IndexOf("Credential=", StringComparison.Ordinal);
            if (start < 0)
            {
                // A signature of another kind (SigV2...): route by shape, the verifier will refuse it.
                return LooksLikeEc2Query(request) ? "ec2" : "s3";
            }

            start += "Credential=".Length;
            var end = authorization.IndexOfAny([',', ' '], start);
            credential = end < 0 ? authorization[start..] : authorization[start..end];
        }
        else if (request.Query.TryGetValue("X-Amz-Credential", out var fromQuery))
        {
            credential = Single(fromQuery);
        }

        if (credential is null)
        {
            return null;
        }

        var parts = credential.Split('/');
        return parts.Length == 5 ? parts[3].ToLowerInvariant() : (LooksLikeEc2Query(request) ? "ec2" : "s3");
    }

    private static bool LooksLikeEc2Query(HttpRequest request) =>
        request.Query.ContainsKey("Action") || (HttpMethods.IsPost(request.Method) && IsForm(request) && request.Path == "/");

    private static bool IsForm(HttpRequest request) =>
        request.ContentType?.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase) == true;

    private static string? Single(StringValues values) => values.Count == 0 ? null : values[0];

    private static async Task<byte[]?> ReadBoundedAsync(Stream body, int limit, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private static string NewRequestId() => Guid.NewGuid().ToString("D");
}

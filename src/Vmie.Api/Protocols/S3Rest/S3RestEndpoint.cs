using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Vmie.Api.Auth;
using Vmie.Storage.Objects;

namespace Vmie.Api.Protocols.S3Rest;

/// <summary>
/// The S3-compatible REST API over an <see cref="IObjectStore"/>. The host calls <see cref="HandleAsync"/>
/// after authentication: the caller is the <see cref="AuthenticatedCaller"/> feature, the request id is
/// <see cref="HttpContext.TraceIdentifier"/>, and the request body is already decoded and integrity-checked
/// (reading it may throw <see cref="PayloadIntegrityException"/>, answered with its code).
/// </summary>
public sealed partial class S3RestEndpoint
{
    /// <summary>Sub-resources S3 defines that this endpoint does not implement: answered 501, never ignored.</summary>
    private static readonly string[] UnsupportedSubresources =
    [
        "accelerate", "analytics", "attributes", "cors", "encryption", "intelligent-tiering", "inventory",
        "legal-hold", "lifecycle", "logging", "metadataTable", "metrics", "notification", "object-lock",
        "ownershipControls", "policy", "policyStatus", "publicAccessBlock", "replication", "requestPayment",
        "restore", "retention", "select", "session", "tagging", "torrent", "versions", "website", "renameObject",
    ];

    private readonly IObjectStore _store;
    private readonly S3RestOptions _options;
    private readonly ILogger _logger;

    public S3RestEndpoint(IObjectStore store, S3RestOptions options, ILogger<S3RestEndpoint>? logger = null)
    {
        _store = store;
        _options = options;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    public async Task HandleAsync(HttpContext context)
    {
        var target = S3RequestTarget.Resolve(context, _options);
        context.Response.Headers["x-amz-request-id"] = context.TraceIdentifier;
        context.Response.Headers["x-amz-id-2"] = context.TraceIdentifier;

        // Objects are up to 5 GiB per request; the store enforces S3's limits, not the server's default cap.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize)
        {
            bodySize.MaxRequestBodySize = null;
        }

        try
        {
            var caller = context.Features.Get<AuthenticatedCaller>()
                ?? throw new S3ErrorException("AccessDenied", "Access Denied");
            await DispatchAsync(new S3Call(context, caller, target));
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; there is nobody to answer.
        }
        catch (Exception exception)
        {
            await AnswerErrorAsync(context, target, exception);
        }
    }

    private Task DispatchAsync(S3Call call)
    {
        var request = call.Http.Request;
        var method = request.Method.ToUpperInvariant();
        if (call.Target.Bucket is null)
        {
            return method == "GET" ? ListBucketsAsync(call) : throw MethodNotAllowed(method);
        }

        foreach (var name in UnsupportedSubresources)
        {
            if (request.Query.ContainsKey(name))
            {
                throw S3ErrorException.NotImplemented($"the '{name}' sub-resource");
            }
        }

        if (call.Target.Key is null)
        {
            return method switch
            {
                "PUT" when request.Query.ContainsKey("acl") || request.Query.ContainsKey("versioning") => throw S3ErrorException.NotImplemented("changing bucket ACLs or versioning"),
                "PUT" => CreateBucketAsync(call),
                "DELETE" => DeleteBucketAsync(call),
                "HEAD" => HeadBucketAsync(call),
                "GET" when request.Query.ContainsKey("location") => GetBucketLocationAsync(call),
                "GET" when request.Query.ContainsKey("versioning") => GetBucketVersioningAsync(call),
                "GET" when request.Query.ContainsKey("acl") => GetAclAsync(call),
                "GET" when request.Query.ContainsKey("uploads") => ListMultipartUploadsAsync(call),
                "GET" when request.Query["list-type"] == "2" => ListObjectsV2Async(call),
                "GET" when request.Query.ContainsKey("list-type") => throw S3ErrorException.InvalidArgument("Invalid list-type: only 2 (or none, for version 1) exists."),
                "GET" => ListObjectsV1Async(call),
                "POST" when request.Query.ContainsKey("delete") => DeleteObjectsAsync(call),
                "POST" => throw S3ErrorException.NotImplemented("browser-based POST uploads"),
                _ => throw MethodNotAllowed(method),
            };
        }

        var isUpload = request.Query.ContainsKey("uploadId");
        return method switch
        {
            "PUT" when request.Query.ContainsKey("acl") => throw S3ErrorException.NotImplemented("changing object ACLs"),
            "PUT" when isUpload && request.Headers.ContainsKey("x-amz-copy-source") => UploadPartCopyAsync(call),
            "PUT" when isUpload => UploadPartAsync(call),
            "PUT" when request.Headers.ContainsKey("x-amz-copy-source") => CopyObjectAsync(call),
            "PUT" => PutObjectAsync(call),
            "GET" when isUpload => ListPartsAsync(call),
            "GET" when request.Query.ContainsKey("acl") => GetAclAsync(call),
            "GET" => GetObjectAsync(call, withBody: true),
            "HEAD" => GetObjectAsync(call, withBody: false),
            "DELETE" when isUpload => AbortMultipartUploadAsync(call),
            "DELETE" => DeleteObjectAsync(call),
            "POST" when request.Query.ContainsKey("uploads") => CreateMultipartUploadAsync(call),
            "POST" when isUpload => CompleteMultipartUploadAsync(call),
            "POST" => throw S3ErrorException.NotImplemented("this POST operation on an object"),
            _ => throw MethodNotAllowed(method),
        };
    }

    /// <summary>
    /// The bucket, if the caller's account owns it. Without bucket policies, another account's bucket is
    /// off limits, as it is in S3 by default.
    /// </summary>
    private async Task<BucketInfo> RequireOwnedBucketAsync(S3Call call, string bucket)
    {
        var info = await _store.GetBucketAsync(bucket, call.Aborted) ?? throw new ObjectStoreException("NoSuchBucket", "The specified bucket does not exist", bucket);
        if (!string.Equals(info.OwnerAccountId, call.Caller.AccountId, StringComparison.Ordinal))
        {
            throw new S3ErrorException("AccessDenied", "Access Denied");
        }

        return info;
    }

    private static void RejectVersionId(HttpRequest request)
    {
        var versionId = request.Query["versionId"];
        if (versionId.Count > 0 && versionId.ToString() != "null")
        {
            throw S3ErrorException.InvalidArgument("Invalid version id specified");
        }
    }

    private static S3ErrorException MethodNotAllowed(string method) =>
        new("MethodNotAllowed", $"The specified method ({method}) is not allowed against this resource.");

    private async Task AnswerErrorAsync(HttpContext context, S3RequestTarget target, Exception exception)
    {
        var (code, message) = exception switch
        {
            S3ErrorException e => (e.Code, e.Message),
            ObjectStoreException e => (e.Code, e.Message),
            PayloadIntegrityException e => (e.Code, e.Message),
            BadHttpRequestException e when e.StatusCode == StatusCodes.Status413PayloadTooLarge => ("EntityTooLarge", "Your proposed upload exceeds the maximum allowed size."),
            BadHttpRequestException e => ("IncompleteBody", "You did not provide the number of bytes specified by the Content-Length HTTP header: " + e.Message),
            _ => ("InternalError", "We encountered an internal error. Please try again."),
        };
        if (code == "InternalError")
        {
            _logger.LogError(exception, "S3 request {Method} {Resource} failed ({RequestId})", context.Request.Method, target.Resource, context.TraceIdentifier);
        }

        if (context.Response.HasStarted)
        {
            // Part of the body is already out: only breaking the connection tells the client it is incomplete.
            _logger.LogWarning(exception, "S3 response for {Resource} failed after it started ({RequestId})", target.Resource, context.TraceIdentifier);
            context.Abort();
            return;
        }

        await S3ErrorResponse.WriteAsync(context, target, code, message);
    }

    /// <summary>One request being served.</summary>
    private sealed record S3Call(HttpContext Http, AuthenticatedCaller Caller, S3RequestTarget Target)
    {
        public HttpRequest Request => Http.Request;

        public HttpResponse Response => Http.Response;

        public CancellationToken Aborted => Http.RequestAborted;

        public string Bucket => Target.Bucket!;

        public string Key => Target.Key!;
    }
}

using Vmie.Api.Auth.SigV4;
using Vmie.Ec2.Errors;
using Vmie.Ec2.Imports;
using Vmie.Ec2.Requests;

namespace Vmie.Api.Protocols.S3Rest;

/// <summary>
/// Turns a DiskContainer.Url of the http(s) kind into the object it names, when it is a presigned GET URL
/// of this vmie: the signature is verified exactly as if the URL were fetched, so an expired, forged or
/// foreign URL is refused, and the signer must be the caller's own account.
/// </summary>
public sealed class PresignedUrlSourceResolver : IImportSourceResolver
{
    private readonly SigV4Verifier _verifier;
    private readonly S3RestOptions _options;

    public PresignedUrlSourceResolver(SigV4Verifier verifier, S3RestOptions options)
    {
        _verifier = verifier;
        _options = options;
    }

    public ValueTask<ImportSourceLocation> ResolveAsync(Uri url, Ec2RequestContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(context);
        if (url.Scheme is not ("http" or "https") || !url.IsAbsoluteUri)
        {
            throw Invalid(url, "it is not an http(s) URL");
        }

        var (rawPath, rawQuery) = SplitRawTarget(url.OriginalString);
        if (!rawQuery.Contains("X-Amz-Signature=", StringComparison.Ordinal))
        {
            throw Invalid(url, "it is not a presigned URL (vmie serves no public objects; use s3://bucket/key or a URL from 'aws s3 presign')");
        }

        var headers = new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase)
        {
            ["host"] = [url.IsDefaultPort ? url.Host : $"{url.Host}:{url.Port}"],
        };
        var outcome = _verifier.Verify(new SigV4Request("GET", rawPath, rawQuery, headers, PayloadHash: null));
        if (!outcome.Succeeded)
        {
            throw Invalid(url, "its signature is not valid: " + outcome.Failure!.Message);
        }

        var verified = outcome.Verified!;
        if (verified.Service != "s3")
        {
            throw Invalid(url, $"it is signed for the '{verified.Service}' service, not s3");
        }

        if (verified.Credential.AccountId != context.AccountId)
        {
            throw Invalid(url, "it was signed by another account");
        }

        var target = S3RequestTarget.FromAddress(url.Host, rawPath, _options);
        if (target.Bucket is null || target.Key is null)
        {
            throw Invalid(url, "it does not name an object (bucket and key)");
        }

        return ValueTask.FromResult(new ImportSourceLocation(target.Bucket, target.Key));
    }

    /// <summary>The path and query exactly as written in the URL, still percent-encoded, as they were signed.</summary>
    private static (string RawPath, string RawQuery) SplitRawTarget(string url)
    {
        var afterScheme = url.IndexOf("://", StringComparison.Ordinal) + 3;
        var pathStart = url.IndexOf('/', afterScheme);
        var queryStart = url.IndexOf('?', afterScheme);
        var fragment = url.IndexOf('#', afterScheme);
        var end = fragment < 0 ? url.Length : fragment;
        if (queryStart >= 0 && (pathStart < 0 || queryStart < pathStart))
        {
            return ("/", url[(queryStart + 1)..end]);
        }

        if (pathStart < 0)
        {
            return ("/", string.Empty);
        }

        return queryStart < 0 ? (url[pathStart..end], string.Empty) : (url[pathStart..queryStart], url[(queryStart + 1)..end]);
    }

    // The URL may carry a signature: the message names the host and path only.
    private static Ec2Exception Invalid(Uri url, string reason) =>
        new("InvalidParameterValue", $"The disk container URL {url.GetLeftPart(UriPartial.Path)} cannot be used: {reason}.");
}

using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Vmie.Api.Protocols.S3Rest;

/// <summary>
/// The bucket and key a request addresses. The key comes from the raw request target, percent-decoded once,
/// so "//", trailing slashes, "..", "%2F" and "+" survive exactly as the client encoded them (the server's
/// decoded Path would have normalised some of them).
/// </summary>
public sealed record S3RequestTarget(string? Bucket, string? Key)
{
    public static S3RequestTarget Resolve(HttpContext context, S3RestOptions options) =>
        FromAddress(context.Request.Host.Host, RawPath(context), options);

    /// <summary>
    /// The bucket and key named by a host (without port) and a raw, still percent-encoded path: virtual-hosted
    /// style when the host is "bucket.&lt;base host name&gt;", path-style otherwise.
    /// </summary>
    public static S3RequestTarget FromAddress(string host, string rawPath, S3RestOptions options)
    {
        ArgumentNullException.ThrowIfNull(rawPath);
        ArgumentNullException.ThrowIfNull(options);
        if (!rawPath.StartsWith('/'))
        {
            rawPath = "/" + rawPath;
        }

        var hostBucket = BucketFromHost(host, options.BaseHostNames);
        if (hostBucket is not null)
        {
            var key = rawPath.Length > 1 ? Decode(rawPath[1..]) : null;
            return new S3RequestTarget(hostBucket, key);
        }

        if (rawPath.Length <= 1)
        {
            return new S3RequestTarget(null, null);
        }

        var rest = rawPath[1..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0)
        {
            return new S3RequestTarget(Decode(rest), null);
        }

        var keyPart = rest[(slash + 1)..];
        return new S3RequestTarget(Decode(rest[..slash]), keyPart.Length == 0 ? null : Decode(keyPart));
    }

    /// <summary>The path as S3 names it in error documents' Resource element.</summary>
    public string Resource => Bucket is null ? "/" : Key is null ? $"/{Bucket}" : $"/{Bucket}/{Key}";

    private static string RawPath(HttpContext context)
    {
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (string.IsNullOrEmpty(raw))
        {
            return context.Request.PathBase.Add(context.Request.Path).ToUriComponent();
        }

        var query = raw.IndexOf('?', StringComparison.Ordinal);
        var path = query < 0 ? raw : raw[..query];
        if (!path.StartsWith('/') && Uri.TryCreate(path, UriKind.Absolute, out var absolute))
        {
            // absolute-form request target (a proxy in front of us)
            path = absolute.GetComponents(UriComponents.Path | UriComponents.KeepDelimiter, UriFormat.UriEscaped);
        }

        return path.StartsWith('/') ? path : "/" + path;
    }

    private static string? BucketFromHost(string host, IReadOnlyList<string> baseHostNames)
    {
        if (string.IsNullOrEmpty(host) || IPAddress.TryParse(host.Trim('[', ']'), out _))
        {
            return null;
        }

        if (baseHostNames.Any(b => string.Equals(b, host, StringComparison.OrdinalIgnoreCase)))
        {
            return null;
        }

        // The longest base wins: "b.s3.localhost" is bucket "b" under "s3.localhost", not "b.s3" under "localhost".
        foreach (var baseName in baseHostNames.OrderByDescending(b => b.Length))
        {
            if (host.Length > baseName.Length + 1
                && host.EndsWith(baseName, StringComparison.OrdinalIgnoreCase)
                && host[host.Length - baseName.Length - 1] == '.')
            {
                return host[..(host.Length - baseName.Length - 1)].ToLowerInvariant();
            }
        }

        return null;
    }

    private static string Decode(string segment) => Uri.UnescapeDataString(segment);
}

namespace Vmie.Ec2.Imports;

/// <summary>Where a disk container's image lies, as far as the request alone tells.</summary>
/// <param name="Location">The object, when known without a lookup (UserBucket or s3:// URL).</param>
/// <param name="UrlToResolve">An http(s) URL that <see cref="IImportSourceResolver"/> must turn into a location.</param>
/// <param name="EchoedUrl">The URL as shown back to clients (no query string, no user info); null for UserBucket.</param>
public sealed record DiskSource(ImportSourceLocation? Location, Uri? UrlToResolve, string? EchoedUrl, bool FromUserBucket);

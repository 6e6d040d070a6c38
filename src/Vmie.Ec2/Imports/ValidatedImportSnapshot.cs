using Vmie.Ec2.Persistence;

namespace Vmie.Ec2.Imports;

/// <param name="Source">The object to import when known without a lookup (UserBucket or s3:// URL).</param>
/// <param name="UrlToResolve">An http(s) URL that <see cref="IImportSourceResolver"/> must turn into a location.</param>
public sealed record ValidatedImportSnapshot(
    ImportSnapshotParameters Parameters,
    IReadOnlyList<ResourceTag> Tags,
    string? ClientToken,
    ImportSourceLocation? Source,
    Uri? UrlToResolve);

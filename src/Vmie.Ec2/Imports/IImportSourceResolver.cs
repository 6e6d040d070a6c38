using Vmie.Ec2.Requests;

namespace Vmie.Ec2.Imports;

/// <summary>
/// Turns an http(s) URL given as DiskContainer.Url into the bucket and key of this vmie's object store
/// that it names, for example a presigned GET URL of this server. Implemented by the API layer, which
/// knows the server's addresses and how to check a presigned signature.
/// </summary>
public interface IImportSourceResolver
{
    /// <exception cref="Errors.Ec2Exception">The URL does not name an object of this vmie, or its signature is not valid.</exception>
    ValueTask<ImportSourceLocation> ResolveAsync(Uri url, Ec2RequestContext context, CancellationToken cancellationToken = default);
}

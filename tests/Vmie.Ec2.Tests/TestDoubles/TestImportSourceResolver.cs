using Vmie.Ec2.Errors;
using Vmie.Ec2.Imports;
using Vmie.Ec2.Requests;

namespace Vmie.Ec2.Tests.TestDoubles;

/// <summary>Resolves https://vmie.test/bucket/key?... URLs path-style, and refuses every other host.</summary>
internal sealed class TestImportSourceResolver : IImportSourceResolver
{
    public const string Host = "vmie.test";

    public List<Uri> Resolved { get; } = [];

    public ValueTask<ImportSourceLocation> ResolveAsync(Uri url, Ec2RequestContext context, CancellationToken cancellationToken = default)
    {
        Resolved.Add(url);
        var path = url.AbsolutePath.TrimStart('/');
        var slash = path.IndexOf('/', StringComparison.Ordinal);
        if (url.Host != Host || slash <= 0)
        {
            throw new Ec2Exception("InvalidParameter", $"Invalid S3 source location: {url.GetLeftPart(UriPartial.Path)} is not an object of this server.");
        }

        return ValueTask.FromResult(new ImportSourceLocation(path[..slash], Uri.UnescapeDataString(path[(slash + 1)..])));
    }
}

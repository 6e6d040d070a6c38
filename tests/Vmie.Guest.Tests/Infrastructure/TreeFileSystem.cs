using System.Text;
using Vmie.Guest.FileSystems;

namespace Vmie.Guest.Tests.Infrastructure;

/// <summary>
/// A file system built in memory from a path → content table, for testing the path logic that sits above
/// every reader. Entries: "dir/" a directory, "link -> target" a symbolic link, anything else a file;
/// the binaries table adds files with binary content (ELF headers, initramfs images).
/// </summary>
internal sealed class TreeFileSystem : IGuestFileSystem
{
    private readonly TreeNode _root = new(GuestNodeKind.Directory, []);

    public TreeFileSystem(IReadOnlyDictionary<string, string> entries, bool caseInsensitive = false, IReadOnlyDictionary<string, byte[]>? binaries = null)
    {
        IsCaseInsensitive = caseInsensitive;
        foreach (var (path, content) in entries)
        {
            Add(path, path.EndsWith('/')
                ? new TreeNode(GuestNodeKind.Directory, [])
                : content.StartsWith("-> ", StringComparison.Ordinal)
                    ? new TreeNode(GuestNodeKind.Symlink, Encoding.UTF8.GetBytes(content[3..]))
                    : new TreeNode(GuestNodeKind.File, Encoding.UTF8.GetBytes(content)));
        }

        foreach (var (path, content) in binaries ?? new Dictionary<string, byte[]>())
        {
            Add(path, new TreeNode(GuestNodeKind.File, content));
        }
    }

    private void Add(string path, TreeNode node)
    {
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var directory = _root;
        for (var i = 0; i < parts.Length - 1; i++)
        {
            directory = directory.Children.TryGetValue(parts[i], out var child) ? child : directory.Children[parts[i]] = new TreeNode(GuestNodeKind.Directory, []);
        }

        directory.Children[parts[^1]] = node;
    }

    /// <summary>A tree of binary files (registry hives, PE images): "dir/" keys are directories, every other key a file.</summary>
    public TreeFileSystem(IReadOnlyDictionary<string, byte[]> files, bool caseInsensitive)
    {
        IsCaseInsensitive = caseInsensitive;
        foreach (var (path, content) in files)
        {
            var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
            var directory = _root;
            for (var i = 0; i < parts.Length - 1; i++)
            {
                directory = directory.Children.TryGetValue(parts[i], out var child) ? child : directory.Children[parts[i]] = new TreeNode(GuestNodeKind.Directory, []);
            }

            directory.Children[parts[^1]] = path.EndsWith('/') ? new TreeNode(GuestNodeKind.Directory, []) : new TreeNode(GuestNodeKind.File, content);
        }
    }

    public string Type => "tree";

    public string? Label => null;

    public string? Uuid => null;

    public bool IsCaseInsensitive { get; }

    public GuestNode Root => _root;

    public ValueTask<GuestNode?> LookupAsync(GuestNode directory, string name, CancellationToken cancellationToken = default)
    {
        var children = ((TreeNode)directory).Children;
        var match = children.FirstOrDefault(pair => string.Equals(pair.Key, name, IsCaseInsensitive ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal));
        return ValueTask.FromResult<GuestNode?>(match.Value);
    }

    public async IAsyncEnumerable<GuestDirectoryEntry> ListAsync(GuestNode directory, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        foreach (var (name, node) in ((TreeNode)directory).Children)
        {
            yield return new GuestDirectoryEntry(name, node);
        }
    }

    public ValueTask<int> ReadAsync(GuestNode file, long offset, Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var data = ((TreeNode)file).Data;
        var count = (int)Math.Clamp(data.Length - offset, 0, buffer.Length);
        data.AsSpan((int)Math.Min(offset, data.Length), count).CopyTo(buffer.Span);
        return ValueTask.FromResult(count);
    }

    public ValueTask<string> ReadLinkAsync(GuestNode link, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Encoding.UTF8.GetString(((TreeNode)link).Data));

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private sealed class TreeNode(GuestNodeKind kind, byte[] data) : GuestNode
    {
        public Dictionary<string, TreeNode> Children { get; } = new(StringComparer.Ordinal);

        public byte[] Data => data;

        public override GuestNodeKind Kind => kind;

        public override long Size => data.Length;
    }
}

using System.Runtime.CompilerServices;
using Vmie.Guest.FileSystems;

namespace Vmie.Guest.Inspection;

/// <summary>
/// A guest's file systems mounted as its fstab says: the root file system with others (/boot, /boot/efi, /usr...)
/// overlaid at their mount points, nested mounts included, so that paths read as they would in the running guest.
/// It does not own the file systems it presents.
/// </summary>
public sealed class MountedFileSystem : IGuestFileSystem
{
    private readonly IGuestFileSystem _root;
    private readonly Dictionary<string, IGuestFileSystem> _mounts;

    /// <param name="mounts">Absolute mount points ("/boot", "/boot/efi") and what is mounted there. A mount point
    /// whose parent does not hold a directory of that name is not reachable, as in the guest.</param>
    public MountedFileSystem(IGuestFileSystem root, IReadOnlyDictionary<string, IGuestFileSystem> mounts)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(mounts);
        _root = root;
        _mounts = new Dictionary<string, IGuestFileSystem>(StringComparer.Ordinal);
        foreach (var (path, fileSystem) in mounts)
        {
            _mounts[Normalize(path)] = fileSystem;
        }

        Root = new MountedNode(root, root.Root, "");
    }

    public string Type => _root.Type;

    public string? Label => _root.Label;

    public string? Uuid => _root.Uuid;

    public bool IsCaseInsensitive => _root.IsCaseInsensitive;

    public GuestNode Root { get; }

    public async ValueTask<GuestNode?> LookupAsync(GuestNode directory, string name, CancellationToken cancellationToken = default)
    {
        var parent = Unwrap(directory);
        var path = parent.Path + "/" + name;
        var found = await parent.FileSystem.LookupAsync(parent.Inner, name, cancellationToken).ConfigureAwait(false);
        if (found is { Kind: GuestNodeKind.Directory } && _mounts.TryGetValue(path, out var mounted))
        {
            return new MountedNode(mounted, mounted.Root, path);
        }

        return found is null ? null : new MountedNode(parent.FileSystem, found, path);
    }

    public async IAsyncEnumerable<GuestDirectoryEntry> ListAsync(GuestNode directory, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var parent = Unwrap(directory);
        await foreach (var entry in parent.FileSystem.ListAsync(parent.Inner, cancellationToken).ConfigureAwait(false))
        {
            var path = parent.Path + "/" + entry.Name;
            yield return entry.Node.Kind == GuestNodeKind.Directory && _mounts.TryGetValue(path, out var mounted)
                ? new GuestDirectoryEntry(entry.Name, new MountedNode(mounted, mounted.Root, path))
                : new GuestDirectoryEntry(entry.Name, new MountedNode(parent.FileSystem, entry.Node, path));
        }
    }

    public ValueTask<int> ReadAsync(GuestNode file, long offset, Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var node = Unwrap(file);
        return node.FileSystem.ReadAsync(node.Inner, offset, buffer, cancellationToken);
    }

    public ValueTask<string> ReadLinkAsync(GuestNode link, CancellationToken cancellationToken = default)
    {
        var node = Unwrap(link);
        return node.FileSystem.ReadLinkAsync(node.Inner, cancellationToken);
    }

    /// <summary>Nothing to release: the file systems belong to whoever opened them.</summary>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private static string Normalize(string path)
    {
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        return parts.Length == 0 ? "" : "/" + string.Join('/', parts);
    }

    private static MountedNode Unwrap(GuestNode node) =>
        node as MountedNode ?? throw new ArgumentException("The node does not belong to this mounted file system.", nameof(node));

    /// <summary>A node of one of the mounted file systems, with the absolute path it was reached by.</summary>
    private sealed class MountedNode(IGuestFileSystem fileSystem, GuestNode inner, string path) : GuestNode
    {
        public IGuestFileSystem FileSystem { get; } = fileSystem;

        public GuestNode Inner { get; } = inner;

        public string Path { get; } = path;

        public override GuestNodeKind Kind => Inner.Kind;

        public override long Size => Inner.Size;

        public override uint? Mode => Inner.Mode;

        public override DateTimeOffset? ModifiedTime => Inner.ModifiedTime;
    }
}

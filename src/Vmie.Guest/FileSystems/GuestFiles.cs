namespace Vmie.Guest.FileSystems;

/// <summary>
/// Paths over a guest file system, as the guest itself would resolve them: "/etc/os-release" walks from
/// the root, "." and ".." work, symbolic links are followed, and an absolute link target is taken from the
/// guest's root, never the host's. A link loop or chain longer than <see cref="MaxLinkDepth"/> resolves to
/// nothing, as ELOOP would.
/// </summary>
public sealed class GuestFiles
{
    /// <summary>Links followed while resolving one path (Linux allows 40).</summary>
    public const int MaxLinkDepth = 40;

    /// <summary>Components walked for one path, links included: bounds the work a hostile tree can cause.</summary>
    private const int MaxSteps = 4096;

    public GuestFiles(IGuestFileSystem fileSystem)
    {
        ArgumentNullException.ThrowIfNull(fileSystem);
        FileSystem = fileSystem;
    }

    public IGuestFileSystem FileSystem { get; }

    /// <summary>The node at <paramref name="path"/>, or null when it does not exist or cannot be resolved.</summary>
    /// <param name="followLastLink">False to get a link itself rather than what it points to (lstat).</param>
    public async ValueTask<GuestNode?> FindAsync(string path, bool followLastLink = true, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        var pending = new Stack<string>();
        PushComponents(pending, path);
        var current = FileSystem.Root;
        var parents = new Stack<GuestNode>();
        var links = 0;
        var steps = 0;
        while (pending.Count > 0)
        {
            if (++steps > MaxSteps)
            {
                return null;
            }

            var name = pending.Pop();
            if (name == ".")
            {
                continue;
            }

            if (name == "..")
            {
                current = parents.Count > 0 ? parents.Pop() : FileSystem.Root;
                continue;
            }

            if (current.Kind != GuestNodeKind.Directory)
            {
                return null;
            }

            var node = await FileSystem.LookupAsync(current, name, cancellationToken).ConfigureAwait(false);
            if (node is null)
            {
                return null;
            }

            if (node.Kind == GuestNodeKind.Symlink && (pending.Count > 0 || followLastLink))
            {
                if (++links > MaxLinkDepth)
                {
                    return null;
                }

                var target = await FileSystem.ReadLinkAsync(node, cancellationToken).ConfigureAwait(false);
                if (target.StartsWith('/'))
                {
                    current = FileSystem.Root;
                    parents.Clear();
                }

                PushComponents(pending, target);
                continue;
            }

            parents.Push(current);
            current = node;
        }

        return current;
    }

    public async ValueTask<bool> ExistsAsync(string path, CancellationToken cancellationToken = default) =>
        await FindAsync(path, cancellationToken: cancellationToken).ConfigureAwait(false) is not null;

    /// <summary>
    /// The whole content of the file at <paramref name="path"/>, or null when there is no such file. A file
    /// larger than <paramref name="maxBytes"/> throws <see cref="GuestFileTooLargeException"/>: callers read
    /// configuration files, never unbounded data, into memory.
    /// </summary>
    public async ValueTask<byte[]?> ReadAllBytesAsync(string path, int maxBytes = 1 << 20, CancellationToken cancellationToken = default)
    {
        var node = await FindAsync(path, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (node is null || node.Kind != GuestNodeKind.File)
        {
            return null;
        }

        if (node.Size > maxBytes)
        {
            throw new GuestFileTooLargeException(path, node.Size, maxBytes);
        }

        var content = new byte[node.Size];
        var filled = 0;
        while (filled < content.Length)
        {
            var read = await FileSystem.ReadAsync(node, filled, content.AsMemory(filled), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                throw new CorruptFileSystemException($"{path}: the file system gave {filled} bytes of a file it says holds {node.Size}.");
            }

            filled += read;
        }

        return content;
    }

    /// <summary>The file's content as UTF-8 text (a byte-order mark is dropped), or null when there is no such file.</summary>
    public async ValueTask<string?> ReadAllTextAsync(string path, int maxBytes = 1 << 20, CancellationToken cancellationToken = default)
    {
        var bytes = await ReadAllBytesAsync(path, maxBytes, cancellationToken).ConfigureAwait(false);
        return bytes is null ? null : new System.Text.UTF8Encoding(false).GetString(bytes.AsSpan().StartsWith("\uFEFF"u8) ? bytes.AsSpan(3) : bytes);
    }

    /// <summary>The entries of the directory at <paramref name="path"/>; none when it is missing or not a directory.</summary>
    public async IAsyncEnumerable<GuestDirectoryEntry> ListAsync(string path, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var node = await FindAsync(path, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (node is null || node.Kind != GuestNodeKind.Directory)
        {
            yield break;
        }

        await foreach (var entry in FileSystem.ListAsync(node, cancellationToken).ConfigureAwait(false))
        {
            yield return entry;
        }
    }

    /// <summary>A read-only, seekable stream over a file's data, for large files read piecewise (initramfs, hives).</summary>
    public Stream OpenRead(GuestNode file)
    {
        ArgumentNullException.ThrowIfNull(file);
        if (file.Kind != GuestNodeKind.File)
        {
            throw new ArgumentException("Only a regular file has data to read.", nameof(file));
        }

        return new GuestFileStream(FileSystem, file);
    }

    private static void PushComponents(Stack<string> pending, string path)
    {
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        for (var i = parts.Length - 1; i >= 0; i--)
        {
            pending.Push(parts[i]);
        }
    }
}

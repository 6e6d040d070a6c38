using System.Runtime.CompilerServices;
using System.Text;
using Vmie.Disks.Abstractions;

namespace Vmie.Guest.FileSystems.Ext;

/// <summary>
/// A read-only ext2, ext3 or ext4 file system (ext4 disk layout as documented with the Linux kernel). It
/// reads only the blocks it needs, caches metadata within a fixed budget, and never owns its volume: whoever
/// opened the volume disposes it. Directories are read linearly (an htree directory's index blocks look like
/// empty entries, so its leaves are walked in order); the journal is not replayed, see <see cref="NeedsRecovery"/>.
/// </summary>
public sealed class ExtFileSystem : IGuestFileSystem
{
    private const int RootInode = 2;
    private const int MaxLinkLength = 4096;

    private readonly ExtVolume _volume;
    private readonly ExtInodeTable _inodes;
    private readonly ExtSuperblock _superblock;

    private ExtFileSystem(ExtVolume volume, ExtInode root)
    {
        _volume = volume;
        _superblock = volume.Superblock;
        _inodes = new ExtInodeTable(volume);
        Root = new ExtNode(this, root);
    }

    public string Type => _superblock.TypeName;

    public string? Label => _superblock.Label;

    /// <summary>The UUID as /etc/fstab's UUID= names it: 8-4-4-4-12 lowercase hex, bytes in on-disk order.</summary>
    public string? Uuid => FormatUuid(_superblock.Uuid);

    public bool IsCaseInsensitive => false;

    public GuestNode Root { get; }

    /// <summary>The journal holds transactions not yet replayed (incompat needs_recovery): recent writes may be missing.</summary>
    public bool NeedsRecovery => _superblock.Incompat.HasFlag(ExtIncompatFeatures.NeedsRecovery);

    public ExtCompatFeatures CompatFeatures => _superblock.Compat;

    public ExtIncompatFeatures IncompatFeatures => _superblock.Incompat;

    public ExtRoCompatFeatures RoCompatFeatures => _superblock.RoCompat;

    public int BlockSize => _superblock.BlockSize;

    /// <summary>True when the first 2 KiB of a volume carry the ext2/3/4 superblock magic.</summary>
    public static bool IsExt(ReadOnlySpan<byte> first2KiB) => ExtSuperblock.HasMagic(first2KiB);

    /// <summary>Reads the superblock and the root directory's inode; throws <see cref="CorruptFileSystemException"/> or <see cref="ExtFeatureNotSupportedException"/>.</summary>
    public static async Task<ExtFileSystem> OpenAsync(IBlockSource volume, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(volume);
        if (volume.Length < ExtSuperblock.Offset + ExtSuperblock.Size)
        {
            throw new CorruptFileSystemException($"A volume of {volume.Length} bytes is too small to hold an ext superblock.");
        }

        var buffer = new byte[ExtSuperblock.Size];
        var filled = 0;
        while (filled < buffer.Length)
        {
            var read = await volume.ReadAtAsync(ExtSuperblock.Offset + filled, buffer.AsMemory(filled), cancellationToken).ConfigureAwait(false);
            if (read <= 0)
            {
                throw new CorruptFileSystemException("The volume ends inside the ext superblock.");
            }

            filled += read;
        }

        var superblock = ExtSuperblock.Parse(buffer, volume.Length);
        var extVolume = new ExtVolume(volume, superblock);
        var root = await new ExtInodeTable(extVolume).ReadAsync(RootInode, cancellationToken).ConfigureAwait(false);
        if (root.Kind != GuestNodeKind.Directory)
        {
            throw new CorruptFileSystemException("ext root inode 2 is not a directory.");
        }

        return new ExtFileSystem(extVolume, root);
    }

    public async ValueTask<GuestNode?> LookupAsync(GuestNode directory, string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        var inode = DirectoryInode(directory);
        var wanted = Encoding.UTF8.GetBytes(name);
        var caseFolded = inode.HasFlag(ExtInode.CaseFoldFlag);
        ulong block = 0;
        var entries = new List<ExtDirectoryEntry>();
        while (await ReadDirectoryChunkAsync(inode, block, entries, cancellationToken).ConfigureAwait(false) is { } next)
        {
            foreach (var entry in entries)
            {
                if (entry.Name.AsSpan().SequenceEqual(wanted) ||
                    (caseFolded && string.Equals(Encoding.UTF8.GetString(entry.Name), name, StringComparison.OrdinalIgnoreCase)))
                {
                    return new ExtNode(this, await _inodes.ReadAsync(entry.Inode, cancellationToken).ConfigureAwait(false));
                }
            }

            entries.Clear();
            block = next;
        }

        return null;
    }

    public async IAsyncEnumerable<GuestDirectoryEntry> ListAsync(GuestNode directory, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var inode = DirectoryInode(directory);
        ulong block = 0;
        var entries = new List<ExtDirectoryEntry>();
        while (await ReadDirectoryChunkAsync(inode, block, entries, cancellationToken).ConfigureAwait(false) is { } next)
        {
            foreach (var entry in entries)
            {
                var child = await _inodes.ReadAsync(entry.Inode, cancellationToken).ConfigureAwait(false);
                yield return new GuestDirectoryEntry(Encoding.UTF8.GetString(entry.Name), new ExtNode(this, child));
            }

            entries.Clear();
            block = next;
        }
    }

    public async ValueTask<int> ReadAsync(GuestNode file, long offset, Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        var inode = Own(file).Inode;
        if (inode.Kind != GuestNodeKind.File)
        {
            throw new ArgumentException($"ext inode {inode.Number} is not a regular file.", nameof(file));
        }

        return await ReadDataAsync(inode, offset, buffer, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<string> ReadLinkAsync(GuestNode link, CancellationToken cancellationToken = default)
    {
        var inode = Own(link).Inode;
        if (inode.Kind != GuestNodeKind.Symlink)
        {
            throw new ArgumentException($"ext inode {inode.Number} is not a symbolic link.", nameof(link));
        }

        if (inode.Size is 0 or > MaxLinkLength)
        {
            throw new CorruptFileSystemException($"ext inode {inode.Number}: a symbolic link of {inode.Size} bytes.");
        }

        byte[] target;
        if (IsFastSymlink(inode))
        {
            // A fast link keeps its target in i_block itself.
            target = inode.BlockArea.AsSpan(0, (int)inode.Size).ToArray();
        }
        else
        {
            target = new byte[inode.Size];
            var read = await ReadDataAsync(inode, 0, target, cancellationToken).ConfigureAwait(false);
            if (read != target.Length)
            {
                throw new CorruptFileSystemException($"ext inode {inode.Number}: the link target is shorter than its size.");
            }
        }

        return Encoding.UTF8.GetString(target);
    }

    public ValueTask DisposeAsync()
    {
        _volume.ClearCache();
        return ValueTask.CompletedTask;
    }

    private static string? FormatUuid(byte[] uuid)
    {
        if (uuid.All(b => b == 0))
        {
            return null;
        }

        var hex = Convert.ToHexStringLower(uuid);
        return $"{hex[..8]}-{hex[8..12]}-{hex[12..16]}-{hex[16..20]}-{hex[20..]}";
    }

    // The kernel's rule: a link is fast when it has no data blocks beyond an extended attribute block.
    private bool IsFastSymlink(ExtInode inode)
    {
        if (inode.HasFlag(ExtInode.InlineDataFlag) || inode.Size >= ExtInode.BlockAreaSize)
        {
            return false;
        }

        var attributeBlocks = inode.FileAcl != 0 ? (ulong)(_superblock.BlockSize / 512) : 0;
        return inode.BlockCount <= attributeBlocks;
    }

    private ExtNode Own(GuestNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        if (node is not ExtNode extNode || extNode.Owner != this)
        {
            throw new ArgumentException("The node does not belong to this ext file system.", nameof(node));
        }

        if (extNode.Inode.HasFlag(ExtInode.EncryptedFlag))
        {
            throw new ExtFeatureNotSupportedException($"ext inode {extNode.Inode.Number} is encrypted (fscrypt); its content cannot be read.");
        }

        return extNode;
    }

    private ExtInode DirectoryInode(GuestNode directory)
    {
        var inode = Own(directory).Inode;
        if (inode.Kind != GuestNodeKind.Directory)
        {
            throw new ArgumentException($"ext inode {inode.Number} is not a directory.", nameof(directory));
        }

        return inode;
    }

    /// <summary>
    /// Parses the directory's entries starting at logical block <paramref name="block"/> into
    /// <paramref name="entries"/>: one block, or a whole hole, or all inline data. Returns the next block to
    /// read, or null at the end.
    /// </summary>
    private async ValueTask<ulong?> ReadDirectoryChunkAsync(ExtInode directory, ulong block, List<ExtDirectoryEntry> entries, CancellationToken cancellationToken)
    {
        if (directory.HasFlag(ExtInode.InlineDataFlag))
        {
            if (block > 0)
            {
                return null;
            }

            // i_block starts with the parent's inode number; entries fill the rest, then system.data.
            ExtDirectoryEntry.ParseRegion(directory.BlockArea.AsSpan(4), _superblock, directory.Number, entries);
            ExtDirectoryEntry.ParseRegion(ExtInlineData.Continuation(directory).Span, _superblock, directory.Number, entries);
            return 1;
        }

        var blockSize = (ulong)_superblock.BlockSize;
        if (directory.Size % (long)blockSize != 0 || (ulong)directory.Size / blockSize > _superblock.BlocksCount)
        {
            throw new CorruptFileSystemException($"ext directory {directory.Number}: size {directory.Size} is not a whole number of blocks within the volume.");
        }

        var blocks = (ulong)directory.Size / blockSize;
        if (block >= blocks)
        {
            return null;
        }

        var run = await MapAsync(directory, block, cancellationToken).ConfigureAwait(false);
        if (run.ReadsAsZeros)
        {
            return block + Math.Min(run.Count, blocks - block);
        }

        var data = await _volume.ReadBlockAsync(run.Physical, $"directory {directory.Number}", cancellationToken).ConfigureAwait(false);
        ExtDirectoryEntry.ParseRegion(data, _superblock, directory.Number, entries);
        return block + 1;
    }

    private ValueTask<ExtBlockRun> MapAsync(ExtInode inode, ulong logical, CancellationToken cancellationToken) =>
        inode.HasFlag(ExtInode.ExtentsFlag)
            ? ExtExtentTree.MapAsync(_volume, inode, logical, cancellationToken)
            : ExtIndirectBlockMap.MapAsync(_volume, inode, logical, cancellationToken);

    private async ValueTask<int> ReadDataAsync(ExtInode inode, long offset, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        if (offset >= inode.Size || buffer.IsEmpty)
        {
            return 0;
        }

        var wanted = (int)Math.Min(buffer.Length, inode.Size - offset);
        if (inode.HasFlag(ExtInode.InlineDataFlag))
        {
            ExtInlineData.Content(inode).AsSpan((int)offset, wanted).CopyTo(buffer.Span);
            return wanted;
        }

        var blockSize = _superblock.BlockSize;
        var done = 0;
        while (done < wanted)
        {
            var position = offset + done;
            var inBlock = (int)(position % blockSize);
            var run = await MapAsync(inode, (ulong)(position / blockSize), cancellationToken).ConfigureAwait(false);
            var runBytes = run.Count >= (ulong)(wanted / blockSize) + 2 ? long.MaxValue : ((long)run.Count * blockSize) - inBlock;
            var chunk = (int)Math.Min(wanted - done, runBytes);
            var target = buffer.Slice(done, chunk);
            if (run.ReadsAsZeros)
            {
                target.Span.Clear();
            }
            else
            {
                await _volume.ReadDataAsync(run.Physical, inBlock, target, cancellationToken).ConfigureAwait(false);
            }

            done += chunk;
        }

        return wanted;
    }
}

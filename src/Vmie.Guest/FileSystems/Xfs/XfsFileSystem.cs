using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Text;
using Vmie.Disks.Abstractions;

namespace Vmie.Guest.FileSystems.Xfs;

/// <summary>
/// A read-only XFS file system, version 4 or 5 (XFS Algorithms and Data Structures). It reads only the
/// blocks it needs, caches metadata within a fixed budget, and never owns its volume. Directories are read
/// through their data blocks (below the 32 GiB leaf offset), which hold every name; the hash index is not
/// needed. The log is not replayed.
/// </summary>
public sealed class XfsFileSystem : IGuestFileSystem
{
    /// <summary>Directory data blocks live below this byte offset of the directory's data fork; leaf and free-index blocks above it.</summary>
    private const long LeafOffset = 32L << 30;
    private const int MaxLinkLength = 1024;
    private const int RemoteLinkHeader = 56;
    private const uint RemoteLinkMagic = 0x58534C4D; // "XSLM"

    private readonly XfsVolume _volume;
    private readonly XfsSuperblock _superblock;

    private XfsFileSystem(XfsVolume volume, XfsInode root)
    {
        _volume = volume;
        _superblock = volume.Superblock;
        Root = new XfsNode(this, root);
    }

    public string Type => "xfs";

    public string? Label => _superblock.Label;

    /// <summary>sb_uuid as /etc/fstab's UUID= and blkid name it (not sb_meta_uuid, which only stamps metadata).</summary>
    public string? Uuid => FormatUuid(_superblock.Uuid);

    /// <summary>True on a file system made with -n version=ci (ASCII names match without regard to case).</summary>
    public bool IsCaseInsensitive => _superblock.IsAsciiCaseInsensitive;

    public GuestNode Root { get; }

    /// <summary>4 or 5 (v5 carries CRCs on all metadata).</summary>
    public int Version => _superblock.Version;

    public int BlockSize => _superblock.BlockSize;

    public XfsIncompatFeatures IncompatFeatures => _superblock.Incompat;

    /// <summary>An interrupted xfs_repair left the file system marked for repair; Linux refuses to mount it.</summary>
    public bool NeedsRepair => _superblock.Incompat.HasFlag(XfsIncompatFeatures.NeedsRepair);

    /// <summary>True when a volume starts with the XFS superblock magic.</summary>
    public static bool IsXfs(ReadOnlySpan<byte> first) => XfsSuperblock.HasMagic(first);

    /// <summary>Reads the superblock and the root directory's inode; throws <see cref="CorruptFileSystemException"/> or <see cref="XfsFeatureNotSupportedException"/>.</summary>
    public static async Task<XfsFileSystem> OpenAsync(IBlockSource volume, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(volume);
        if (volume.Length < XfsSuperblock.Size)
        {
            throw new CorruptFileSystemException($"A volume of {volume.Length} bytes is too small to hold an XFS superblock.");
        }

        var buffer = new byte[(int)Math.Min(volume.Length, XfsSuperblock.MaxSectorSize)];
        var filled = 0;
        while (filled < buffer.Length)
        {
            var read = await volume.ReadAtAsync(filled, buffer.AsMemory(filled), cancellationToken).ConfigureAwait(false);
            if (read <= 0)
            {
                throw new CorruptFileSystemException("The volume ends inside the XFS superblock.");
            }

            filled += read;
        }

        var superblock = XfsSuperblock.Parse(buffer, volume.Length);
        var xfsVolume = new XfsVolume(volume, superblock);
        var root = await ReadInodeAsync(xfsVolume, superblock.RootInode, cancellationToken).ConfigureAwait(false);
        if (root.Kind != GuestNodeKind.Directory)
        {
            throw new CorruptFileSystemException($"XFS root inode {superblock.RootInode} is not a directory.");
        }

        return new XfsFileSystem(xfsVolume, root);
    }

    public async ValueTask<GuestNode?> LookupAsync(GuestNode directory, string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        var inode = DirectoryInode(directory);
        var wanted = Encoding.UTF8.GetBytes(name);
        var entries = new List<XfsDirectoryEntry>();
        long position = 0;
        while (await ReadDirectoryChunkAsync(inode, position, entries, cancellationToken).ConfigureAwait(false) is { } next)
        {
            foreach (var entry in entries)
            {
                if (entry.Name.AsSpan().SequenceEqual(wanted) || (IsCaseInsensitive && Ascii.EqualsIgnoreCase(entry.Name, wanted)))
                {
                    return new XfsNode(this, await ReadInodeAsync(_volume, entry.Inode, cancellationToken).ConfigureAwait(false));
                }
            }

            entries.Clear();
            position = next;
        }

        return null;
    }

    public async IAsyncEnumerable<GuestDirectoryEntry> ListAsync(GuestNode directory, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var inode = DirectoryInode(directory);
        var entries = new List<XfsDirectoryEntry>();
        long position = 0;
        while (await ReadDirectoryChunkAsync(inode, position, entries, cancellationToken).ConfigureAwait(false) is { } next)
        {
            foreach (var entry in entries)
            {
                var child = await ReadInodeAsync(_volume, entry.Inode, cancellationToken).ConfigureAwait(false);
                yield return new GuestDirectoryEntry(Encoding.UTF8.GetString(entry.Name), new XfsNode(this, child));
            }

            entries.Clear();
            position = next;
        }
    }

    public async ValueTask<int> ReadAsync(GuestNode file, long offset, Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        var inode = Own(file).Inode;
        if (inode.Kind != GuestNodeKind.File)
        {
            throw new ArgumentException($"XFS inode {inode.Number} is not a regular file.", nameof(file));
        }

        if (inode.IsRealtime)
        {
            throw new XfsFeatureNotSupportedException($"XFS inode {inode.Number} keeps its data on the realtime device, which this reader does not read.");
        }

        return await ReadDataAsync(inode, offset, buffer, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<string> ReadLinkAsync(GuestNode link, CancellationToken cancellationToken = default)
    {
        var inode = Own(link).Inode;
        if (inode.Kind != GuestNodeKind.Symlink)
        {
            throw new ArgumentException($"XFS inode {inode.Number} is not a symbolic link.", nameof(link));
        }

        if (inode.Size is 0 or > MaxLinkLength)
        {
            throw new CorruptFileSystemException($"XFS inode {inode.Number}: a symbolic link of {inode.Size} bytes.");
        }

        var length = (int)inode.Size;
        if (inode.Format == XfsForkFormat.Local)
        {
            if (length > inode.DataFork.Length)
            {
                throw new CorruptFileSystemException($"XFS inode {inode.Number}: a {length}-byte local link target in a {inode.DataFork.Length}-byte fork.");
            }

            return Encoding.UTF8.GetString(inode.DataFork, 0, length);
        }

        return Encoding.UTF8.GetString(await ReadRemoteLinkAsync(inode, length, cancellationToken).ConfigureAwait(false));
    }

    public ValueTask DisposeAsync()
    {
        _volume.ClearCache();
        return ValueTask.CompletedTask;
    }

    private static async ValueTask<XfsInode> ReadInodeAsync(XfsVolume volume, ulong number, CancellationToken cancellationToken)
    {
        var offset = volume.InodeOffset(number);
        var blockOffset = offset - (offset % volume.BlockSize);
        var block = await volume.ReadMetadataAsync(blockOffset, volume.BlockSize, cancellationToken).ConfigureAwait(false);
        return XfsInode.Parse(block.AsSpan((int)(offset - blockOffset), volume.Superblock.InodeSize), number, volume.Superblock);
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

    private XfsNode Own(GuestNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        if (node is not XfsNode xfsNode || xfsNode.Owner != this)
        {
            throw new ArgumentException("The node does not belong to this XFS file system.", nameof(node));
        }

        return xfsNode;
    }

    private XfsInode DirectoryInode(GuestNode directory)
    {
        var inode = Own(directory).Inode;
        if (inode.Kind != GuestNodeKind.Directory)
        {
            throw new ArgumentException($"XFS inode {inode.Number} is not a directory.", nameof(directory));
        }

        return inode;
    }

    /// <summary>
    /// Parses the directory's entries from byte <paramref name="position"/> of its data into
    /// <paramref name="entries"/>: the whole short-form list, one directory block, or nothing across a hole.
    /// Returns where to continue, or null at the end.
    /// </summary>
    private async ValueTask<long?> ReadDirectoryChunkAsync(XfsInode directory, long position, List<XfsDirectoryEntry> entries, CancellationToken cancellationToken)
    {
        if (directory.Format == XfsForkFormat.Local)
        {
            if (position > 0)
            {
                return null;
            }

            XfsDirectoryEntry.ParseShortForm(directory.DataFork, directory.Size, _superblock.HasFileType, directory.Number, entries);
            return 1;
        }

        var directoryBlockSize = _superblock.DirectoryBlockSize;
        var blockSize = _superblock.BlockSize;
        if (directory.Size % directoryBlockSize != 0 || directory.Size > LeafOffset)
        {
            throw new CorruptFileSystemException($"XFS directory {directory.Number}: data size {directory.Size} is not a whole number of {directoryBlockSize}-byte directory blocks below 32 GiB.");
        }

        if (position >= directory.Size)
        {
            return null;
        }

        var first = (ulong)(position / blockSize);
        var run = await XfsBlockMap.MapAsync(_volume, directory, first, cancellationToken).ConfigureAwait(false);
        if (run.ReadsAsZeros)
        {
            // A hole between data blocks (freed by deletions): continue at the next whole directory block.
            var after = (long)Math.Min((ulong)directory.Size, (first + Math.Min(run.Count, (ulong)directory.Size)) * (ulong)blockSize);
            return (after + directoryBlockSize - 1) / directoryBlockSize * directoryBlockSize;
        }

        var data = await ReadDirectoryBlockAsync(directory, first, run, cancellationToken).ConfigureAwait(false);
        XfsDirectoryEntry.ParseBlock(data, _superblock, directory.Number, entries);
        return position + directoryBlockSize;
    }

    /// <summary>One directory block; when it spans several file system blocks they may lie in several extents.</summary>
    private async ValueTask<byte[]> ReadDirectoryBlockAsync(XfsInode directory, ulong first, XfsBlockRun run, CancellationToken cancellationToken)
    {
        var blocksPerDirectoryBlock = (ulong)(_superblock.DirectoryBlockSize / _superblock.BlockSize);
        if (run.Count >= blocksPerDirectoryBlock)
        {
            var linear = _volume.Linear(run.StartBlock, blocksPerDirectoryBlock, $"directory {directory.Number}");
            return await _volume.ReadMetadataAsync((long)linear * _superblock.BlockSize, _superblock.DirectoryBlockSize, cancellationToken).ConfigureAwait(false);
        }

        var data = new byte[_superblock.DirectoryBlockSize];
        ulong done = 0;
        while (done < blocksPerDirectoryBlock)
        {
            var piece = done == 0 ? run : await XfsBlockMap.MapAsync(_volume, directory, first + done, cancellationToken).ConfigureAwait(false);
            if (piece.ReadsAsZeros)
            {
                throw new CorruptFileSystemException($"XFS directory {directory.Number}: a hole inside directory block at file block {first}.");
            }

            var count = Math.Min(piece.Count, blocksPerDirectoryBlock - done);
            await _volume.ReadDataAsync(piece.StartBlock, 0, data.AsMemory((int)done * _superblock.BlockSize, (int)count * _superblock.BlockSize), cancellationToken).ConfigureAwait(false);
            done += count;
        }

        return data;
    }

    private async ValueTask<byte[]> ReadRemoteLinkAsync(XfsInode inode, int length, CancellationToken cancellationToken)
    {
        if (inode.Format != XfsForkFormat.Extents)
        {
            throw new CorruptFileSystemException($"XFS inode {inode.Number}: a symbolic link with data fork format {inode.Format}.");
        }

        var target = new byte[length];
        var header = _superblock.HasCrc ? RemoteLinkHeader : 0;
        var perBlock = _superblock.BlockSize - header;
        var done = 0;
        for (ulong block = 0; done < length; block++)
        {
            var run = await XfsBlockMap.MapAsync(_volume, inode, block, cancellationToken).ConfigureAwait(false);
            if (run.ReadsAsZeros)
            {
                throw new CorruptFileSystemException($"XFS inode {inode.Number}: a hole in a symbolic link's target.");
            }

            var data = await _volume.ReadBlockAsync(run.StartBlock, $"symbolic link {inode.Number}", cancellationToken).ConfigureAwait(false);
            var chunk = Math.Min(perBlock, length - done);
            if (_superblock.HasCrc)
            {
                CheckRemoteLinkBlock(data, inode.Number, done, chunk, checkCrc: length <= perBlock);
            }

            data.AsSpan(header, chunk).CopyTo(target.AsSpan(done));
            done += chunk;
        }

        return target;
    }

    // "XSLM" header: magic, offset of these bytes in the target, byte count, CRC, UUID, owner, block number, LSN.
    // The CRC covers the whole buffer the kernel wrote at once (the extent), so it is checked when that is one block.
    private static void CheckRemoteLinkBlock(byte[] data, ulong inode, int offset, int count, bool checkCrc)
    {
        if (BinaryPrimitives.ReadUInt32BigEndian(data) != RemoteLinkMagic)
        {
            throw new CorruptFileSystemException($"XFS inode {inode}: a symbolic link block has bad magic (\"XSLM\" expected).");
        }

        if (checkCrc && !XfsChecksum.IsValid(data, 12))
        {
            throw new CorruptFileSystemException($"XFS inode {inode}: symbolic link block checksum mismatch.");
        }

        if (BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan(4)) != offset || BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan(8)) != count ||
            BinaryPrimitives.ReadUInt64BigEndian(data.AsSpan(32)) != inode)
        {
            throw new CorruptFileSystemException($"XFS inode {inode}: a symbolic link block's offset, length or owner does not match.");
        }
    }

    private async ValueTask<int> ReadDataAsync(XfsInode inode, long offset, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        if (offset >= inode.Size || buffer.IsEmpty)
        {
            return 0;
        }

        var wanted = (int)Math.Min(buffer.Length, inode.Size - offset);
        if (inode.Format == XfsForkFormat.Local)
        {
            if (inode.Size > inode.DataFork.Length)
            {
                throw new CorruptFileSystemException($"XFS inode {inode.Number}: {inode.Size} bytes of local data in a {inode.DataFork.Length}-byte fork.");
            }

            inode.DataFork.AsSpan((int)offset, wanted).CopyTo(buffer.Span);
            return wanted;
        }

        var blockSize = _superblock.BlockSize;
        var done = 0;
        while (done < wanted)
        {
            var position = offset + done;
            var inBlock = position % blockSize;
            var run = await XfsBlockMap.MapAsync(_volume, inode, (ulong)(position / blockSize), cancellationToken).ConfigureAwait(false);
            var runBytes = run.Count >= (ulong)(wanted / blockSize) + 2 ? long.MaxValue : ((long)run.Count * blockSize) - inBlock;
            var chunk = (int)Math.Min(wanted - done, runBytes);
            var target = buffer.Slice(done, chunk);
            if (run.ReadsAsZeros)
            {
                target.Span.Clear();
            }
            else
            {
                await _volume.ReadDataAsync(run.StartBlock, inBlock, target, cancellationToken).ConfigureAwait(false);
            }

            done += chunk;
        }

        return wanted;
    }
}

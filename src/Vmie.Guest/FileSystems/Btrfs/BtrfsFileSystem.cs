using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text;
using Vmie.Disks.Abstractions;
using Vmie.Guest.Caching;

namespace Vmie.Guest.FileSystems.Btrfs;

/// <summary>
/// A read-only, single-device Btrfs file system (Btrfs on-disk format as documented on the Btrfs wiki and with
/// btrfs-progs). It opens the default subvolume (root tree dir item "default", else the top level, id 5) and
/// follows subvolume entries into their own trees; <see cref="Subvolumes"/> lists every subvolume and snapshot.
/// It reads only the blocks it needs, caches tree blocks within a fixed budget, and never owns its volume.
/// Uncompressed and zlib extents are read; lzo and zstd extents, RAID chunks and several devices are refused
/// with <see cref="BtrfsNotSupportedException"/>. The log tree is not replayed, see <see cref="HasUnreplayedLog"/>.
/// </summary>
public sealed class BtrfsFileSystem : IGuestFileSystem
{
    public const ulong TopLevelSubvolumeId = 5;

    private const ulong RootTreeId = 1;
    private const ulong ChunkTreeId = 3;
    private const ulong FirstChunkTreeObjectId = 256;
    private const int MaxLinkLength = 4095;
    private const int MaxSubvolumes = 100_000;
    private const int MaxPathDepth = 4096;
    private const int MaxCachedTrees = 4096;

    private readonly BtrfsVolume _volume;
    private readonly BtrfsTreeRoot _rootTree;
    private readonly ConcurrentDictionary<ulong, (BtrfsTreeRoot Root, ulong RootDirectory)> _trees = new();
    // The last few decompressed extents (at most 128 KiB each): a file read in small pieces inflates each once.
    private readonly LruCache<ulong, byte[]> _extents = new(16);

    private BtrfsFileSystem(BtrfsVolume volume, BtrfsTreeRoot rootTree)
    {
        _volume = volume;
        _rootTree = rootTree;
        Root = null!;
        Subvolumes = [];
    }

    public string Type => "btrfs";

    public string? Label => _volume.Superblock.Label.Length == 0 ? null : _volume.Superblock.Label;

    /// <summary>The fsid as /etc/fstab's UUID= names it: 8-4-4-4-12 lowercase hex, bytes in on-disk order.</summary>
    public string? Uuid => FormatUuid(_volume.Superblock.Fsid);

    public bool IsCaseInsensitive => false;

    /// <summary>The root directory of the default subvolume.</summary>
    public GuestNode Root { get; private set; }

    /// <summary>The subvolume mounted when no subvol= option is given: 5 (the top level) unless set-default changed it.</summary>
    public ulong DefaultSubvolumeId { get; private set; }

    /// <summary>Every subvolume and snapshot besides the top level, by id.</summary>
    public IReadOnlyList<BtrfsSubvolume> Subvolumes { get; private set; }

    /// <summary>The metadata checksum algorithm: crc32c, xxhash64, sha256 or blake2b.</summary>
    public string ChecksumType => BtrfsChecksum.Name(_volume.Superblock.ChecksumType);

    /// <summary>False for blake2b: such metadata is read without its checksums verified.</summary>
    public bool MetadataChecksumsVerified => BtrfsChecksum.CanVerify(_volume.Superblock.ChecksumType);

    /// <summary>A log tree holds fsync'd writes not yet replayed: they are missing from what this reader sees.</summary>
    public bool HasUnreplayedLog => _volume.Superblock.LogTree != 0;

    public int SectorSize => (int)_volume.Superblock.SectorSize;

    public int NodeSize => (int)_volume.Superblock.NodeSize;

    /// <summary>True when the 4 KiB at 64 KiB into a volume carry the Btrfs superblock magic.</summary>
    public static bool IsBtrfs(ReadOnlySpan<byte> bytesAt64KiB) => BtrfsSuperblock.HasMagic(bytesAt64KiB);

    /// <summary>
    /// Reads the superblock, the chunk tree, the root tree and the default subvolume's root directory; throws
    /// <see cref="CorruptFileSystemException"/> or <see cref="BtrfsNotSupportedException"/>.
    /// </summary>
    public static async Task<BtrfsFileSystem> OpenAsync(IBlockSource volume, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(volume);
        if (volume.Length < BtrfsSuperblock.Offset + BtrfsSuperblock.Size)
        {
            throw new CorruptFileSystemException($"A volume of {volume.Length} bytes is too small to hold a Btrfs superblock.");
        }

        var buffer = new byte[BtrfsSuperblock.Size];
        var filled = 0;
        while (filled < buffer.Length)
        {
            var read = await volume.ReadAtAsync(BtrfsSuperblock.Offset + filled, buffer.AsMemory(filled), cancellationToken).ConfigureAwait(false);
            if (read <= 0)
            {
                throw new CorruptFileSystemException("The volume ends inside the Btrfs superblock.");
            }

            filled += read;
        }

        var superblock = BtrfsSuperblock.Parse(buffer, volume.Length);
        var btrfsVolume = new BtrfsVolume(volume, superblock, BtrfsChunkMap.FromSystemArray(superblock, volume.Length));
        btrfsVolume.Chunks = await ReadChunkTreeAsync(btrfsVolume, cancellationToken).ConfigureAwait(false);
        var fileSystem = new BtrfsFileSystem(btrfsVolume, new BtrfsTreeRoot(RootTreeId, superblock.RootTree, superblock.RootLevel, superblock.Generation));
        await fileSystem.LoadAsync(cancellationToken).ConfigureAwait(false);
        return fileSystem;
    }

    public async ValueTask<GuestNode?> LookupAsync(GuestNode directory, string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        var node = DirectoryNode(directory);
        var wanted = Encoding.UTF8.GetBytes(name);
        var key = new BtrfsKey(node.Inode.Number, BtrfsKey.DirItem, BtrfsChecksum.NameHash(wanted));
        if (await BtrfsTreeSearch.FindAsync(_volume, node.Tree, key, cancellationToken).ConfigureAwait(false) is not { } item)
        {
            return null;
        }

        foreach (var entry in BtrfsDirEntry.ParseAll(item.Data.Span, key))
        {
            if (entry.Name.AsSpan().SequenceEqual(wanted))
            {
                return await ResolveAsync(node.Tree, entry, cancellationToken).ConfigureAwait(false);
            }
        }

        return null;
    }

    public async IAsyncEnumerable<GuestDirectoryEntry> ListAsync(GuestNode directory, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var node = DirectoryNode(directory);
        var (from, to) = BtrfsKey.Span(node.Inode.Number, BtrfsKey.DirIndex);
        await foreach (var item in BtrfsTreeSearch.RangeAsync(_volume, node.Tree, from, to, cancellationToken).ConfigureAwait(false))
        {
            foreach (var entry in BtrfsDirEntry.ParseAll(item.Data.Span, item.Key))
            {
                var child = await ResolveAsync(node.Tree, entry, cancellationToken).ConfigureAwait(false);
                yield return new GuestDirectoryEntry(Encoding.UTF8.GetString(entry.Name), child);
            }
        }
    }

    public async ValueTask<int> ReadAsync(GuestNode file, long offset, Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        var node = Own(file);
        if (node.Kind != GuestNodeKind.File)
        {
            throw new ArgumentException($"Btrfs inode {node.Inode.Number} is not a regular file.", nameof(file));
        }

        return await ReadDataAsync(node, offset, buffer, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<string> ReadLinkAsync(GuestNode link, CancellationToken cancellationToken = default)
    {
        var node = Own(link);
        if (node.Kind != GuestNodeKind.Symlink)
        {
            throw new ArgumentException($"Btrfs inode {node.Inode.Number} is not a symbolic link.", nameof(link));
        }

        if (node.Size is 0 or > MaxLinkLength)
        {
            throw new CorruptFileSystemException($"Btrfs inode {node.Inode.Number}: a symbolic link of {node.Size} bytes.");
        }

        var target = new byte[node.Size];
        await ReadDataAsync(node, 0, target, cancellationToken).ConfigureAwait(false);
        return Encoding.UTF8.GetString(target);
    }

    public ValueTask DisposeAsync()
    {
        _volume.ClearCache();
        _extents.Clear();
        return ValueTask.CompletedTask;
    }

    internal (long Physical, ulong Contiguous) MapLogical(ulong logical) => _volume.Chunks.Map(logical, "address");

    private static async Task<BtrfsChunkMap> ReadChunkTreeAsync(BtrfsVolume volume, CancellationToken cancellationToken)
    {
        var superblock = volume.Superblock;
        var root = new BtrfsTreeRoot(ChunkTreeId, superblock.ChunkTree, superblock.ChunkRootLevel, superblock.ChunkRootGeneration);
        var (from, to) = BtrfsKey.Span(FirstChunkTreeObjectId, BtrfsKey.ChunkItem);
        var chunks = new List<BtrfsChunk>();
        await foreach (var item in BtrfsTreeSearch.RangeAsync(volume, root, from, to, cancellationToken).ConfigureAwait(false))
        {
            if (chunks.Count >= BtrfsChunkMap.MaxChunks)
            {
                throw new CorruptFileSystemException($"Btrfs chunk tree holds more than {BtrfsChunkMap.MaxChunks} chunks.");
            }

            chunks.Add(BtrfsChunk.Parse(item.Key, item.Data.Span, superblock.DeviceId, volume.Length, superblock.SectorSize));
        }

        if (chunks.Count == 0)
        {
            throw new CorruptFileSystemException("Btrfs chunk tree holds no chunks.");
        }

        return new BtrfsChunkMap(chunks);
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

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        DefaultSubvolumeId = await FindDefaultSubvolumeAsync(cancellationToken).ConfigureAwait(false);
        var (tree, rootDirectory) = await OpenTreeAsync(DefaultSubvolumeId, cancellationToken).ConfigureAwait(false);
        var root = await ReadInodeAsync(tree, rootDirectory, cancellationToken).ConfigureAwait(false);
        if (root.Kind != GuestNodeKind.Directory)
        {
            throw new CorruptFileSystemException($"Btrfs subvolume {DefaultSubvolumeId}: its root inode {rootDirectory} is not a directory.");
        }

        Root = new BtrfsNode(this, tree, root);
        Subvolumes = await ListSubvolumesAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The root tree's dir item "default" in the root directory object names the default subvolume.</summary>
    private async Task<ulong> FindDefaultSubvolumeAsync(CancellationToken cancellationToken)
    {
        var name = "default"u8.ToArray();
        var key = new BtrfsKey(_volume.Superblock.RootDirObjectId, BtrfsKey.DirItem, BtrfsChecksum.NameHash(name));
        if (await BtrfsTreeSearch.FindAsync(_volume, _rootTree, key, cancellationToken).ConfigureAwait(false) is { } item)
        {
            foreach (var entry in BtrfsDirEntry.ParseAll(item.Data.Span, key))
            {
                if (entry.Name.AsSpan().SequenceEqual(name))
                {
                    return entry.Location.ObjectId;
                }
            }
        }

        return TopLevelSubvolumeId;
    }

    /// <summary>A subvolume's tree, from its ROOT_ITEM in the root tree (the offset is 0, or a snapshot's transid).</summary>
    private async ValueTask<(BtrfsTreeRoot Root, ulong RootDirectory)> OpenTreeAsync(ulong id, CancellationToken cancellationToken)
    {
        if (_trees.TryGetValue(id, out var known))
        {
            return known;
        }

        var (from, to) = BtrfsKey.Span(id, BtrfsKey.RootItem);
        await foreach (var item in BtrfsTreeSearch.RangeAsync(_volume, _rootTree, from, to, cancellationToken).ConfigureAwait(false))
        {
            var tree = BtrfsRootItem.Parse(id, item.Data.Span, _volume.Superblock);
            if (_trees.Count < MaxCachedTrees)
            {
                _trees.TryAdd(id, tree);
            }

            return tree;
        }

        throw new CorruptFileSystemException($"Btrfs subvolume {id} has no root item in the root tree.");
    }

    private async ValueTask<BtrfsInode> ReadInodeAsync(BtrfsTreeRoot tree, ulong number, CancellationToken cancellationToken)
    {
        var key = new BtrfsKey(number, BtrfsKey.InodeItem, 0);
        if (await BtrfsTreeSearch.FindAsync(_volume, tree, key, cancellationToken).ConfigureAwait(false) is not { } item)
        {
            throw new CorruptFileSystemException($"Btrfs tree {tree.Id}: inode {number} is named but has no inode item.");
        }

        return BtrfsInode.Parse(tree.Id, number, item.Data.Span);
    }

    /// <summary>A directory entry's node: an inode of the same tree, or the root directory of another subvolume.</summary>
    private async ValueTask<BtrfsNode> ResolveAsync(BtrfsTreeRoot tree, BtrfsDirEntry entry, CancellationToken cancellationToken)
    {
        switch (entry.Location.Type)
        {
            case BtrfsKey.InodeItem:
                return new BtrfsNode(this, tree, await ReadInodeAsync(tree, entry.Location.ObjectId, cancellationToken).ConfigureAwait(false));
            case BtrfsKey.RootItem:
                var (subvolume, rootDirectory) = await OpenTreeAsync(entry.Location.ObjectId, cancellationToken).ConfigureAwait(false);
                return new BtrfsNode(this, subvolume, await ReadInodeAsync(subvolume, rootDirectory, cancellationToken).ConfigureAwait(false));
            default:
                throw new CorruptFileSystemException($"Btrfs tree {tree.Id}: directory entry \"{Encoding.UTF8.GetString(entry.Name)}\" points at key {entry.Location}.");
        }
    }

    /// <summary>ROOT_REF items (parent, 156, child): dirid, sequence, name_len, name; paths built from the top level down.</summary>
    private async Task<IReadOnlyList<BtrfsSubvolume>> ListSubvolumesAsync(CancellationToken cancellationToken)
    {
        var references = new Dictionary<ulong, (ulong Parent, ulong Directory, string Name)>();
        var all = new BtrfsKey(ulong.MaxValue, byte.MaxValue, ulong.MaxValue);
        await foreach (var item in BtrfsTreeSearch.RangeAsync(_volume, _rootTree, default, all, cancellationToken).ConfigureAwait(false))
        {
            if (item.Key.Type != BtrfsKey.RootRef)
            {
                continue;
            }

            var data = item.Data.Span;
            var nameLength = data.Length >= 18 ? BinaryPrimitives.ReadUInt16LittleEndian(data[16..]) : -1;
            if (nameLength is <= 0 or > BtrfsDirEntry.MaxNameLength || 18 + nameLength > data.Length)
            {
                throw new CorruptFileSystemException($"Btrfs root reference {item.Key}: item of {data.Length} bytes with a name of {nameLength}.");
            }

            if (references.Count >= MaxSubvolumes)
            {
                throw new CorruptFileSystemException($"Btrfs root tree names more than {MaxSubvolumes} subvolumes.");
            }

            references[item.Key.Offset] = (item.Key.ObjectId, BinaryPrimitives.ReadUInt64LittleEndian(data), Encoding.UTF8.GetString(data.Slice(18, nameLength)));
        }

        var paths = new Dictionary<ulong, string> { [TopLevelSubvolumeId] = "" };
        var subvolumes = new List<BtrfsSubvolume>();
        foreach (var id in references.Keys.Order())
        {
            subvolumes.Add(new BtrfsSubvolume(id, references[id].Parent, await SubvolumePathAsync(id, references, paths, cancellationToken).ConfigureAwait(false)));
        }

        return subvolumes;
    }

    private async ValueTask<string> SubvolumePathAsync(ulong id, Dictionary<ulong, (ulong Parent, ulong Directory, string Name)> references, Dictionary<ulong, string> paths, CancellationToken cancellationToken)
    {
        // Walk up to a subvolume whose path is known, then build the paths back down.
        var chain = new Stack<ulong>();
        var current = id;
        while (!paths.ContainsKey(current))
        {
            if (chain.Count > MaxPathDepth || !references.TryGetValue(current, out var reference))
            {
                throw new CorruptFileSystemException($"Btrfs subvolume {id}: its chain of parents does not reach the top level.");
            }

            chain.Push(current);
            current = reference.Parent;
        }

        while (chain.Count > 0)
        {
            var child = chain.Pop();
            var (parent, directory, name) = references[child];
            var inParent = await DirectoryPathAsync(parent, directory, cancellationToken).ConfigureAwait(false);
            var prefix = paths[parent];
            paths[child] = string.Join('/', new[] { prefix, inParent, name }.Where(part => part.Length > 0));
        }

        return paths[id];
    }

    /// <summary>The path of directory <paramref name="directory"/> within subvolume <paramref name="treeId"/>, from its INODE_REFs.</summary>
    private async ValueTask<string> DirectoryPathAsync(ulong treeId, ulong directory, CancellationToken cancellationToken)
    {
        var (tree, rootDirectory) = await OpenTreeAsync(treeId, cancellationToken).ConfigureAwait(false);
        var names = new List<string>();
        var current = directory;
        while (current != rootDirectory)
        {
            if (names.Count >= MaxPathDepth)
            {
                throw new CorruptFileSystemException($"Btrfs tree {treeId}: directory {directory} lies deeper than {MaxPathDepth} levels (a loop?).");
            }

            var (from, to) = BtrfsKey.Span(current, BtrfsKey.InodeRef);
            BtrfsItem? reference = null;
            await foreach (var item in BtrfsTreeSearch.RangeAsync(_volume, tree, from, to, cancellationToken).ConfigureAwait(false))
            {
                reference = item;
                break;
            }

            var data = reference is { } found ? found.Data.Span : default;
            var nameLength = data.Length >= 10 ? BinaryPrimitives.ReadUInt16LittleEndian(data[8..]) : -1;
            if (reference is null || nameLength <= 0 || 10 + nameLength > data.Length)
            {
                throw new CorruptFileSystemException($"Btrfs tree {treeId}: directory {current} has no usable inode reference to its parent.");
            }

            names.Add(Encoding.UTF8.GetString(data.Slice(10, nameLength)));
            current = reference.Value.Key.Offset;
        }

        names.Reverse();
        return string.Join('/', names);
    }

    private BtrfsNode Own(GuestNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        if (node is not BtrfsNode btrfsNode || btrfsNode.Owner != this)
        {
            throw new ArgumentException("The node does not belong to this Btrfs file system.", nameof(node));
        }

        return btrfsNode;
    }

    private BtrfsNode DirectoryNode(GuestNode directory)
    {
        var node = Own(directory);
        if (node.Kind != GuestNodeKind.Directory)
        {
            throw new ArgumentException($"Btrfs inode {node.Inode.Number} is not a directory.", nameof(directory));
        }

        return node;
    }

    /// <summary>Fills the requested range from the inode's EXTENT_DATA items; holes, gaps and preallocated extents read as zeros.</summary>
    private async ValueTask<int> ReadDataAsync(BtrfsNode node, long offset, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var inode = node.Inode;
        if (offset >= inode.Size || buffer.IsEmpty)
        {
            return 0;
        }

        var wanted = (int)Math.Min(buffer.Length, inode.Size - offset);
        var target = buffer[..wanted];
        target.Span.Clear();
        var start = (ulong)offset;
        var end = start + (ulong)wanted;
        var (first, last) = BtrfsKey.Span(inode.Number, BtrfsKey.ExtentData);
        if (await BtrfsTreeSearch.FindLastAtOrBeforeAsync(_volume, node.Tree, first with { Offset = start }, cancellationToken).ConfigureAwait(false) is { } floor && floor.Key >= first)
        {
            first = floor.Key;
        }

        await foreach (var item in BtrfsTreeSearch.RangeAsync(_volume, node.Tree, first, last, cancellationToken).ConfigureAwait(false))
        {
            var extent = BtrfsFileExtent.Parse(item, inode.Number);
            if (extent.FileOffset >= end)
            {
                break;
            }

            var extentEnd = extent.FileOffset + extent.Length;
            if (extentEnd <= start || extentEnd < extent.FileOffset)
            {
                continue;
            }

            var from = Math.Max(start, extent.FileOffset);
            var to = Math.Min(end, extentEnd);
            await FillAsync(inode, extent, from - extent.FileOffset, target.Slice((int)(from - start), (int)(to - from)), cancellationToken).ConfigureAwait(false);
        }

        return wanted;
    }

    /// <summary>Copies extent bytes from <paramref name="inExtent"/> (relative to the extent's file offset) into <paramref name="target"/>.</summary>
    private async ValueTask FillAsync(BtrfsInode inode, BtrfsFileExtent extent, ulong inExtent, Memory<byte> target, CancellationToken cancellationToken)
    {
        var what = $"Btrfs inode {inode.Number} in tree {inode.Tree}, extent at file offset {extent.FileOffset}";
        if (extent.Type == BtrfsFileExtent.InlineType)
        {
            var content = extent.Compression == 0
                ? extent.Inline
                : BtrfsCompression.Decompress(extent.Compression, extent.Inline, extent.RamBytes, what);
            if ((ulong)content.Length < inExtent + (ulong)target.Length)
            {
                throw new CorruptFileSystemException($"{what}: inline data of {content.Length} bytes is shorter than the {extent.RamBytes} it claims.");
            }

            content.Slice((int)inExtent, target.Length).CopyTo(target);
            return;
        }

        if (extent.Type == BtrfsFileExtent.PreallocType || extent.DiskBytenr == 0)
        {
            return;
        }

        if (extent.Compression == 0)
        {
            if (extent.Offset > extent.DiskNumBytes || extent.NumBytes > extent.DiskNumBytes - extent.Offset)
            {
                throw new CorruptFileSystemException($"{what}: bytes [{extent.Offset}, +{extent.NumBytes}) lie outside its {extent.DiskNumBytes}-byte disk extent.");
            }

            await _volume.ReadLogicalAsync(extent.DiskBytenr + extent.Offset + inExtent, target, what, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (extent.DiskNumBytes > BtrfsCompression.MaxUncompressed || extent.RamBytes > BtrfsCompression.MaxUncompressed ||
            extent.Offset > extent.RamBytes || extent.NumBytes > extent.RamBytes - extent.Offset)
        {
            throw new CorruptFileSystemException($"{what}: a compressed extent of {extent.DiskNumBytes} bytes for {extent.RamBytes}, of which [{extent.Offset}, +{extent.NumBytes}) is used.");
        }

        _extents.TryGet(extent.DiskBytenr, out var decompressed);
        if (decompressed is null || (ulong)decompressed.Length != extent.RamBytes)
        {
            BtrfsCompression.EnsureReadable(extent.Compression, what);
            var compressed = new byte[extent.DiskNumBytes];
            await _volume.ReadLogicalAsync(extent.DiskBytenr, compressed, what, cancellationToken).ConfigureAwait(false);
            decompressed = BtrfsCompression.Decompress(extent.Compression, compressed, extent.RamBytes, what);
            _extents.Add(extent.DiskBytenr, decompressed);
        }

        decompressed.AsSpan((int)(extent.Offset + inExtent), target.Length).CopyTo(target.Span);
    }
}

using System.Buffers.Binary;

namespace Vmie.Guest.FileSystems.Ntfs;

/// <summary>
/// A directory's $I30 index: a B+tree whose root node lives in $INDEX_ROOT (indexed attribute type 0x00,
/// collation 0x04, index record size 0x08, node header 0x10) and whose other nodes are INDX records of
/// $INDEX_ALLOCATION (fix-ups, VCN at 0x10, node header at 0x18), allocated as $BITMAP says. Child VCNs count
/// clusters, or 512-byte blocks when index records are smaller than a cluster. Walks are depth-limited and
/// never visit a node twice.
/// </summary>
internal sealed class NtfsDirectoryIndex
{
    private const int MaxDepth = 32;
    private const int MaxListed = 1 << 20;
    private const uint FileNameCollation = 1;

    private readonly NtfsVolume _volume;
    private readonly NtfsFile _directory;
    private readonly NtfsIndexNode _root;
    private readonly NtfsStream? _allocation;
    private readonly byte[] _bitmap;
    private readonly int _recordSize;
    private readonly int _vcnSize;
    private readonly string _what;

    private NtfsDirectoryIndex(NtfsVolume volume, NtfsFile directory, NtfsIndexNode root, NtfsStream? allocation, byte[] bitmap, int recordSize)
    {
        _volume = volume;
        _directory = directory;
        _root = root;
        _allocation = allocation;
        _bitmap = bitmap;
        _recordSize = recordSize;
        _vcnSize = recordSize >= volume.ClusterSize ? volume.ClusterSize : 512;
        _what = $"directory (MFT record {directory.Number}) $I30";
    }

    public static async ValueTask<NtfsDirectoryIndex> OpenAsync(NtfsVolume volume, NtfsFile directory, CancellationToken cancellationToken)
    {
        var what = $"directory (MFT record {directory.Number}) $I30";
        var rootAttribute = directory.Attributes.FirstOrDefault(a => a.Type == NtfsAttributeType.IndexRoot && a.Name == "$I30" && a.IsResident)
            ?? throw new CorruptFileSystemException($"NTFS {what}: the directory has no resident $INDEX_ROOT.");
        var value = rootAttribute.Value;
        if (value.Length < 0x20 || BinaryPrimitives.ReadUInt32LittleEndian(value) != (uint)NtfsAttributeType.FileName ||
            BinaryPrimitives.ReadUInt32LittleEndian(value.AsSpan(4)) != FileNameCollation)
        {
            throw new CorruptFileSystemException($"NTFS {what}: $INDEX_ROOT does not index file names.");
        }

        var recordSize = BinaryPrimitives.ReadInt32LittleEndian(value.AsSpan(8));
        if (recordSize != volume.Boot.IndexRecordSize)
        {
            throw new CorruptFileSystemException($"NTFS {what}: index records of {recordSize} bytes where the boot sector says {volume.Boot.IndexRecordSize}.");
        }

        var root = NtfsIndexNode.Parse(value.AsSpan(0x10), what);
        var allocation = directory.Stream(NtfsAttributeType.IndexAllocation, "$I30");
        byte[] bitmap = [];
        if (allocation is not null)
        {
            var bitmapStream = directory.Stream(NtfsAttributeType.Bitmap, "$I30")
                ?? throw new CorruptFileSystemException($"NTFS {what}: $INDEX_ALLOCATION without its $BITMAP.");
            var needed = ((allocation.Length / recordSize) + 7) / 8;
            if (bitmapStream.Length < needed || bitmapStream.Length > (1 << 20))
            {
                throw new CorruptFileSystemException($"NTFS {what}: a $BITMAP of {bitmapStream.Length} bytes for {allocation.Length / recordSize} index records.");
            }

            bitmap = new byte[bitmapStream.Length];
            await bitmapStream.ReadAsync(volume, 0, bitmap, cancellationToken).ConfigureAwait(false);
        }

        return new NtfsDirectoryIndex(volume, directory, root, allocation, bitmap, recordSize);
    }

    /// <summary>Every entry in collation order (DOS 8.3 aliases included: callers filter).</summary>
    public async ValueTask<List<NtfsIndexEntry>> ListAsync(CancellationToken cancellationToken)
    {
        var entries = new List<NtfsIndexEntry>();
        await WalkAsync(_root, 0, [], entries, cancellationToken).ConfigureAwait(false);
        return entries;
    }

    /// <summary>The entry whose name matches <paramref name="name"/> without regard to case, by B+tree descent.</summary>
    public async ValueTask<NtfsIndexEntry?> FindAsync(string name, NtfsUpCase upCase, CancellationToken cancellationToken)
    {
        var node = _root;
        var visited = new HashSet<long>();
        for (var depth = 0; depth <= MaxDepth; depth++)
        {
            long child = -1;
            foreach (var (entry, childVcn) in node.Entries)
            {
                var order = entry is null ? -1 : upCase.Compare(name, entry.Name.Name);
                if (order == 0)
                {
                    return entry;
                }

                if (order < 0)
                {
                    child = childVcn;
                    break;
                }
            }

            if (child < 0)
            {
                return null;
            }

            if (!visited.Add(child))
            {
                throw new CorruptFileSystemException($"NTFS {_what}: the index tree loops back to VCN {child}.");
            }

            node = await ReadNodeAsync(child, cancellationToken).ConfigureAwait(false);
        }

        throw new CorruptFileSystemException($"NTFS {_what}: the index tree is deeper than {MaxDepth} levels.");
    }

    private async ValueTask WalkAsync(NtfsIndexNode node, int depth, HashSet<long> visited, List<NtfsIndexEntry> entries, CancellationToken cancellationToken)
    {
        if (depth > MaxDepth)
        {
            throw new CorruptFileSystemException($"NTFS {_what}: the index tree is deeper than {MaxDepth} levels.");
        }

        foreach (var (entry, childVcn) in node.Entries)
        {
            if (childVcn >= 0)
            {
                if (!visited.Add(childVcn))
                {
                    throw new CorruptFileSystemException($"NTFS {_what}: the index tree reaches VCN {childVcn} twice.");
                }

                var child = await ReadNodeAsync(childVcn, cancellationToken).ConfigureAwait(false);
                await WalkAsync(child, depth + 1, visited, entries, cancellationToken).ConfigureAwait(false);
            }

            if (entry is not null)
            {
                if (entries.Count >= MaxListed)
                {
                    throw new CorruptFileSystemException($"NTFS {_what}: more than {MaxListed} entries.");
                }

                entries.Add(entry);
            }
        }
    }

    private async ValueTask<NtfsIndexNode> ReadNodeAsync(long vcn, CancellationToken cancellationToken)
    {
        if (_volume.IndexNodes.TryGet((_directory.Number, vcn), out var cached))
        {
            return cached;
        }

        var allocation = _allocation ?? throw new CorruptFileSystemException($"NTFS {_what}: an entry has a child but there is no $INDEX_ALLOCATION.");
        var offset = vcn * _vcnSize;
        var index = offset / _recordSize;
        if (vcn > allocation.Length / _vcnSize || offset % _recordSize != 0 || offset + _recordSize > allocation.Length)
        {
            throw new CorruptFileSystemException($"NTFS {_what}: child VCN {vcn} lies outside $INDEX_ALLOCATION.");
        }

        if ((_bitmap[(int)(index / 8)] & (1 << (int)(index % 8))) == 0)
        {
            throw new CorruptFileSystemException($"NTFS {_what}: child VCN {vcn} is a free index record.");
        }

        var raw = new byte[_recordSize];
        await allocation.ReadAsync(_volume, offset, raw, cancellationToken).ConfigureAwait(false);
        var what = $"{_what} INDX record at VCN {vcn}";
        NtfsFixup.Apply(raw, "INDX"u8, what);
        if (BinaryPrimitives.ReadInt64LittleEndian(raw.AsSpan(0x10)) != vcn)
        {
            throw new CorruptFileSystemException($"NTFS {what}: the record says it is VCN {BinaryPrimitives.ReadInt64LittleEndian(raw.AsSpan(0x10))}.");
        }

        var node = NtfsIndexNode.Parse(raw.AsSpan(0x18), what);
        _volume.IndexNodes.Add((_directory.Number, vcn), node);
        return node;
    }
}

using System.Buffers.Binary;

namespace Vmie.Guest.FileSystems.Xfs;

/// <summary>
/// Maps a file block to where it lies through the inode's data fork: the extent list kept in the inode, or
/// the B+tree of extents whose root sits in the inode (XFS Algorithms and Data Structures, "Data Extents",
/// "B+tree Extent List"; blocks "BMAP" on v4, "BMA3" with CRC, owner and self-address on v5). Each step down
/// must reach exactly the next lower level, so a loop or a cross-link ends within the level count.
/// </summary>
internal static class XfsBlockMap
{
    private const uint MagicV4 = 0x424D4150; // "BMAP"
    private const uint MagicV5 = 0x424D4133; // "BMA3"
    private const int HeaderV4 = 24;
    private const int HeaderV5 = 72;
    private const int CrcOffsetV5 = 64;
    private const int MaxLevels = 9;
    private const ulong NoBound = ulong.MaxValue;

    public static async ValueTask<XfsBlockRun> MapAsync(XfsVolume volume, XfsInode inode, ulong block, CancellationToken cancellationToken)
    {
        switch (inode.Format)
        {
            case XfsForkFormat.Extents:
                return FromRecords(inode.DataFork, (int)inode.ExtentCount, block, NoBound, inode.Number);
            case XfsForkFormat.BTree:
                return await FromTreeAsync(volume, inode, block, cancellationToken).ConfigureAwait(false);
            default:
                throw new CorruptFileSystemException($"XFS inode {inode.Number}: data fork format {inode.Format} holds no block map.");
        }
    }

    private static XfsBlockRun FromRecords(ReadOnlySpan<byte> records, int count, ulong block, ulong bound, ulong inode)
    {
        ulong previousEnd = 0;
        for (var i = 0; i < count; i++)
        {
            var extent = XfsExtent.Parse(records[(i * XfsExtent.Size)..]);
            if (extent.Count == 0 || extent.FileOffset < previousEnd || extent.End > bound)
            {
                throw new CorruptFileSystemException($"XFS inode {inode}: extent {i} at file block {extent.FileOffset} (+{extent.Count}) is empty, out of order or overlaps.");
            }

            previousEnd = extent.End;
            if (block < extent.FileOffset)
            {
                return new XfsBlockRun(0, extent.FileOffset - block, ReadsAsZeros: true);
            }

            if (block < extent.End)
            {
                var into = block - extent.FileOffset;
                return new XfsBlockRun(extent.StartBlock + into, extent.Count - into, extent.Unwritten);
            }
        }

        return new XfsBlockRun(0, bound - block, ReadsAsZeros: true);
    }

    private static async ValueTask<XfsBlockRun> FromTreeAsync(XfsVolume volume, XfsInode inode, ulong block, CancellationToken cancellationToken)
    {
        var root = inode.DataFork;
        int level = BinaryPrimitives.ReadUInt16BigEndian(root);
        int count = BinaryPrimitives.ReadUInt16BigEndian(root.AsSpan(2));
        var rootMax = (root.Length - 4) / 16;
        if (level is 0 or > MaxLevels || count == 0 || count > rootMax)
        {
            throw new CorruptFileSystemException($"XFS inode {inode.Number}: extent B+tree root of level {level} with {count} of at most {rootMax} entries.");
        }

        var (child, bound) = Choose(root.AsSpan(4), root.AsSpan(4 + (rootMax * 8)), count, block, NoBound, inode.Number);
        if (child is null)
        {
            return new XfsBlockRun(0, bound - block, ReadsAsZeros: true);
        }

        var superblock = volume.Superblock;
        var header = superblock.HasCrc ? HeaderV5 : HeaderV4;
        var maxRecords = (volume.BlockSize - header) / 16;
        var pointer = child.Value;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            level--;
            var data = await volume.ReadBlockAsync(pointer, $"inode {inode.Number} extent B+tree", cancellationToken).ConfigureAwait(false);
            count = CheckBlock(data, pointer, level, maxRecords, volume, inode.Number);
            if (level == 0)
            {
                return FromRecords(data.AsSpan(header), count, block, bound, inode.Number);
            }

            (child, bound) = Choose(data.AsSpan(header), data.AsSpan(header + (maxRecords * 8)), count, block, bound, inode.Number);
            if (child is null)
            {
                return new XfsBlockRun(0, bound - block, ReadsAsZeros: true);
            }

            pointer = child.Value;
        }
    }

    /// <summary>The child whose key range holds <paramref name="block"/> and where that range ends; no child when the block lies before the first key.</summary>
    private static (ulong? Child, ulong Bound) Choose(ReadOnlySpan<byte> keys, ReadOnlySpan<byte> pointers, int count, ulong block, ulong bound, ulong inode)
    {
        var first = BinaryPrimitives.ReadUInt64BigEndian(keys);
        if (block < first)
        {
            return (null, Math.Min(first, bound));
        }

        // Binary search for the last key at or below the block; keys must rise strictly.
        int low = 0, high = count - 1;
        while (low < high)
        {
            var middle = (low + high + 1) / 2;
            if (BinaryPrimitives.ReadUInt64BigEndian(keys[(middle * 8)..]) <= block)
            {
                low = middle;
            }
            else
            {
                high = middle - 1;
            }
        }

        var key = BinaryPrimitives.ReadUInt64BigEndian(keys[(low * 8)..]);
        var next = low + 1 < count ? BinaryPrimitives.ReadUInt64BigEndian(keys[((low + 1) * 8)..]) : bound;
        if (next <= key || next > bound)
        {
            throw new CorruptFileSystemException($"XFS inode {inode}: extent B+tree keys {key} and {next} are out of order.");
        }

        return (BinaryPrimitives.ReadUInt64BigEndian(pointers[(low * 8)..]), next);
    }

    private static int CheckBlock(byte[] data, ulong pointer, int level, int maxRecords, XfsVolume volume, ulong inode)
    {
        var superblock = volume.Superblock;
        var magic = BinaryPrimitives.ReadUInt32BigEndian(data);
        if (magic != (superblock.HasCrc ? MagicV5 : MagicV4))
        {
            throw new CorruptFileSystemException($"XFS inode {inode}: extent B+tree block {pointer} has bad magic 0x{magic:x8}.");
        }

        if (superblock.HasCrc)
        {
            if (!XfsChecksum.IsValid(data, CrcOffsetV5))
            {
                throw new CorruptFileSystemException($"XFS inode {inode}: extent B+tree block {pointer} checksum mismatch.");
            }

            if (BinaryPrimitives.ReadUInt64BigEndian(data.AsSpan(56)) != inode)
            {
                throw new CorruptFileSystemException($"XFS inode {inode}: extent B+tree block {pointer} belongs to inode {BinaryPrimitives.ReadUInt64BigEndian(data.AsSpan(56))}.");
            }
        }

        int blockLevel = BinaryPrimitives.ReadUInt16BigEndian(data.AsSpan(4));
        int count = BinaryPrimitives.ReadUInt16BigEndian(data.AsSpan(6));
        if (blockLevel != level || count == 0 || count > maxRecords)
        {
            throw new CorruptFileSystemException($"XFS inode {inode}: extent B+tree block {pointer} is level {blockLevel} with {count} entries where level {level} with at most {maxRecords} was expected (a loop or a cross-link).");
        }

        return count;
    }
}

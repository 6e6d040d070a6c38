using System.Buffers.Binary;

namespace Vmie.Guest.FileSystems.Ext;

/// <summary>
/// Maps a file's logical blocks through its extent tree (ext4 disk layout, "Extent Tree": a 12-byte header
/// with magic 0xF30A, entries, max and depth; 12-byte index entries ei_block/ei_leaf_lo/ei_leaf_hi at depth
/// &gt; 0; 12-byte leaf extents ee_block/ee_len/ee_start_hi/ee_start_lo at depth 0, a length above 32768
/// marking an uninitialised extent). The root is the inode's i_block. Each child must be exactly one level
/// below its parent, so a loop cannot recur past the depth limit, and every node's keys must be ordered and
/// inside the range its parent gave it, so overlapping extents are refused.
/// </summary>
internal static class ExtExtentTree
{
    public const int MaxDepth = 5;
    private const ushort Magic = 0xF30A;
    private const int EntrySize = 12;
    private const ushort MaxInitializedLength = 32768;
    private const ulong LogicalLimit = 1UL << 32;

    public static async ValueTask<ExtBlockRun> MapAsync(ExtVolume volume, ExtInode inode, ulong logical, CancellationToken cancellationToken)
    {
        if (logical >= LogicalLimit)
        {
            return ExtBlockRun.Zeros(ulong.MaxValue - logical);
        }

        byte[] node = inode.BlockArea;
        var low = 0UL;
        var high = LogicalLimit;
        var expectedDepth = -1;
        for (var level = 0; level <= MaxDepth; level++)
        {
            var (entries, depth) = ReadHeader(node, inode.Number, expectedDepth);
            if (depth == 0)
            {
                return MapInLeaf(volume, node, entries, logical, low, high, inode.Number);
            }

            var chosen = -1;
            var previousKey = 0UL;
            for (var i = 0; i < entries; i++)
            {
                ulong key = BinaryPrimitives.ReadUInt32LittleEndian(node.AsSpan(EntrySize * (i + 1)));
                if ((i > 0 && key <= previousKey) || key < low || key >= high)
                {
                    throw new CorruptFileSystemException($"ext inode {inode.Number}: extent index keys are out of order or outside their parent's range.");
                }

                previousKey = key;
                if (key <= logical)
                {
                    chosen = i;
                }
            }

            if (chosen < 0)
            {
                var first = entries > 0 ? BinaryPrimitives.ReadUInt32LittleEndian(node.AsSpan(EntrySize)) : high;
                return ExtBlockRun.Zeros(first - logical);
            }

            var entry = node.AsSpan(EntrySize * (chosen + 1), EntrySize);
            low = BinaryPrimitives.ReadUInt32LittleEndian(entry);
            if (chosen + 1 < entries)
            {
                high = BinaryPrimitives.ReadUInt32LittleEndian(node.AsSpan(EntrySize * (chosen + 2)));
            }

            var child = BinaryPrimitives.ReadUInt32LittleEndian(entry[4..]) | ((ulong)BinaryPrimitives.ReadUInt16LittleEndian(entry[8..]) << 32);
            node = await volume.ReadBlockAsync(child, $"extent tree of inode {inode.Number}", cancellationToken).ConfigureAwait(false);
            expectedDepth = depth - 1;
        }

        throw new CorruptFileSystemException($"ext inode {inode.Number}: the extent tree is deeper than {MaxDepth} levels.");
    }

    private static (int Entries, int Depth) ReadHeader(byte[] node, uint inode, int expectedDepth)
    {
        var header = node.AsSpan();
        if (BinaryPrimitives.ReadUInt16LittleEndian(header) != Magic)
        {
            throw new CorruptFileSystemException($"ext inode {inode}: an extent tree node lacks the magic 0xF30A.");
        }

        int entries = BinaryPrimitives.ReadUInt16LittleEndian(header[2..]);
        int max = BinaryPrimitives.ReadUInt16LittleEndian(header[4..]);
        int depth = BinaryPrimitives.ReadUInt16LittleEndian(header[6..]);
        if (entries > max || EntrySize * (max + 1) > node.Length)
        {
            throw new CorruptFileSystemException($"ext inode {inode}: extent node claims {entries} of {max} entries in {node.Length} bytes.");
        }

        if (depth > MaxDepth || (expectedDepth >= 0 && depth != expectedDepth))
        {
            throw new CorruptFileSystemException(
                $"ext inode {inode}: extent node depth {depth} where {(expectedDepth >= 0 ? expectedDepth : MaxDepth)} {(expectedDepth >= 0 ? "was expected" : "is the limit")} (a loop in the tree?).");
        }

        return (entries, depth);
    }

    private static ExtBlockRun MapInLeaf(ExtVolume volume, byte[] node, int entries, ulong logical, ulong low, ulong high, uint inode)
    {
        var previousEnd = low;
        ExtBlockRun? found = null;
        var nextStart = high;
        for (var i = 0; i < entries; i++)
        {
            var entry = node.AsSpan(EntrySize * (i + 1), EntrySize);
            ulong start = BinaryPrimitives.ReadUInt32LittleEndian(entry);
            var rawLength = BinaryPrimitives.ReadUInt16LittleEndian(entry[4..]);
            var uninitialized = rawLength > MaxInitializedLength;
            ulong length = uninitialized ? (ulong)(rawLength - MaxInitializedLength) : rawLength;
            var physical = BinaryPrimitives.ReadUInt32LittleEndian(entry[8..]) | ((ulong)BinaryPrimitives.ReadUInt16LittleEndian(entry[6..]) << 32);
            if (length == 0 || start < previousEnd || start + length > high)
            {
                throw new CorruptFileSystemException($"ext inode {inode}: extents overlap, are out of order, or are empty.");
            }

            volume.CheckRange(physical, length, $"extent of inode {inode}");
            previousEnd = start + length;
            if (found is null && logical >= start && logical < start + length)
            {
                var offset = logical - start;
                found = new ExtBlockRun(physical + offset, length - offset, uninitialized);
            }
            else if (found is null && start > logical && start < nextStart)
            {
                nextStart = start;
            }
        }

        return found ?? ExtBlockRun.Zeros(nextStart - logical);
    }
}

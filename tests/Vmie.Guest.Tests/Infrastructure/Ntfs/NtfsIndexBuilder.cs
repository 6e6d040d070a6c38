using System.Buffers.Binary;

namespace Vmie.Guest.Tests.Infrastructure.Ntfs;

/// <summary>One key of an index to write: the file reference it points at and its key bytes (a $FILE_NAME value for $I30).</summary>
internal sealed record NtfsIndexKey(ulong Reference, byte[] Key);

/// <summary>
/// Lays an index out as an NTFS B-tree: the root node goes in $INDEX_ROOT, other nodes in INDX blocks of
/// $INDEX_ALLOCATION. Every node is a list of entries (file reference 0x00, entry length 0x08, key length 0x0A,
/// flags 0x0C: 1 the entry has a child, whose VCN is its last 8 bytes; 2 the last entry, which has no key), and
/// an entry's child holds the keys that sort before it; the last entry's child holds those after the node's keys.
/// Keys must come sorted. Nodes are filled greedily level by level until the top level fits the root's budget.
/// </summary>
internal sealed class NtfsIndexBuilder
{
    public const int NodeHeaderSize = 0x10;
    public const int IndexBlockEntriesStart = 0x40;

    private readonly int _blockSize;

    private NtfsIndexBuilder(int blockSize) => _blockSize = blockSize;

    /// <summary>The root node's entries (index header excluded), and whether it has children.</summary>
    public byte[] RootEntries { get; private set; } = [];

    public bool RootHasChildren { get; private set; }

    /// <summary>The INDX blocks, by VCN (block i at VCN i: blocks are a cluster each), not yet protected by fix-ups.</summary>
    public List<byte[]> Blocks { get; } = [];

    /// <param name="rootBudget">Most bytes the root node's entries may take (what is left of the MFT record).</param>
    public static NtfsIndexBuilder Build(IReadOnlyList<NtfsIndexKey> keys, int blockSize, int rootBudget)
    {
        var builder = new NtfsIndexBuilder(blockSize);
        var level = keys.Select(key => new Item(key, -1)).ToList();
        long rightmost = -1;
        var leaves = true;
        while (NodeSize(level, rightmost) > rootBudget)
        {
            (level, rightmost) = builder.BuildLevel(level, rightmost, leaves);
            leaves = false;
        }

        builder.RootEntries = Serialize(level, rightmost);
        builder.RootHasChildren = rightmost >= 0;
        return builder;
    }

    private (List<Item> Up, long Rightmost) BuildLevel(List<Item> items, long rightmost, bool leaves)
    {
        var nodes = new List<(List<Item> Items, long EndChild)>();
        var separators = new List<Item>();
        var current = new List<Item>();
        var capacity = _blockSize - IndexBlockEntriesStart;
        foreach (var item in items)
        {
            var candidate = current.Append(item).ToList();
            if (NodeSize(candidate, item.Child) <= capacity || current.Count == 0)
            {
                current = candidate;
                continue;
            }

            // The item that does not fit rises to the level above, its child being the node just closed.
            nodes.Add((current, item.Child));
            separators.Add(item);
            current = [];
        }

        if (leaves && current.Count == 0 && separators.Count > 0)
        {
            // Never leave an empty last leaf: the previous leaf's last key rises instead and the separator moves down.
            var previous = nodes[^1].Items;
            current.Add(separators[^1]);
            separators[^1] = previous[^1];
            previous.RemoveAt(previous.Count - 1);
        }

        nodes.Add((current, rightmost));
        var first = Blocks.Count;
        foreach (var (nodeItems, endChild) in nodes)
        {
            Blocks.Add(Block(Blocks.Count, Serialize(nodeItems, endChild), endChild >= 0));
        }

        var up = separators.Select((separator, i) => separator with { Child = first + i }).ToList();
        return (up, first + nodes.Count - 1);
    }

    /// <summary>An INDX block: signature, VCN at 0x10, node header at 0x18, entries at 0x40 (the update sequence array goes at 0x28).</summary>
    private byte[] Block(long vcn, byte[] entries, bool hasChildren)
    {
        var block = new byte[_blockSize];
        "INDX"u8.CopyTo(block);
        BinaryPrimitives.WriteInt64LittleEndian(block.AsSpan(0x10), vcn);
        var header = block.AsSpan(0x18);
        BinaryPrimitives.WriteUInt32LittleEndian(header, IndexBlockEntriesStart - 0x18);
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], (uint)(IndexBlockEntriesStart - 0x18 + entries.Length));
        BinaryPrimitives.WriteUInt32LittleEndian(header[8..], (uint)(_blockSize - 0x18));
        header[12] = hasChildren ? (byte)1 : (byte)0;
        entries.CopyTo(block.AsSpan(IndexBlockEntriesStart));
        return block;
    }

    private static int EntrySize(Item item) => NtfsRecordBuilder.Align8(0x10 + item.Key.Key.Length) + (item.Child >= 0 ? 8 : 0);

    private static int EndSize(long child) => 0x10 + (child >= 0 ? 8 : 0);

    private static int NodeSize(IEnumerable<Item> items, long endChild) => items.Sum(EntrySize) + EndSize(endChild);

    private static byte[] Serialize(List<Item> items, long endChild)
    {
        var bytes = new byte[NodeSize(items, endChild)];
        var position = 0;
        foreach (var item in items)
        {
            var size = EntrySize(item);
            var entry = bytes.AsSpan(position, size);
            BinaryPrimitives.WriteUInt64LittleEndian(entry, item.Key.Reference);
            BinaryPrimitives.WriteUInt16LittleEndian(entry[8..], (ushort)size);
            BinaryPrimitives.WriteUInt16LittleEndian(entry[0x0A..], (ushort)item.Key.Key.Length);
            BinaryPrimitives.WriteUInt16LittleEndian(entry[0x0C..], item.Child >= 0 ? (ushort)1 : (ushort)0);
            item.Key.Key.CopyTo(entry[0x10..]);
            if (item.Child >= 0)
            {
                BinaryPrimitives.WriteInt64LittleEndian(entry[(size - 8)..], item.Child);
            }

            position += size;
        }

        var end = bytes.AsSpan(position);
        BinaryPrimitives.WriteUInt16LittleEndian(end[8..], (ushort)EndSize(endChild));
        BinaryPrimitives.WriteUInt16LittleEndian(end[0x0C..], (ushort)(2 | (endChild >= 0 ? 1 : 0)));
        if (endChild >= 0)
        {
            BinaryPrimitives.WriteInt64LittleEndian(end[0x10..], endChild);
        }

        return bytes;
    }

    private sealed record Item(NtfsIndexKey Key, long Child);
}

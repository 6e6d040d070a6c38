using System.Buffers.Binary;

namespace Vmie.Guest.FileSystems.Ntfs;

/// <summary>
/// One node of an $I30 index B+tree: the node header (entries offset 0x00, index length 0x04, flags 0x0C)
/// followed by entries (reference 0x00, length 0x08, key length 0x0A, flags 0x0C: 1 has a child whose VCN is
/// the entry's last 8 bytes, 2 last entry), as found in $INDEX_ROOT and in INDX records.
/// </summary>
internal sealed class NtfsIndexNode
{
    private const int MaxEntries = 1 << 16;

    private NtfsIndexNode(List<(NtfsIndexEntry? Entry, long ChildVcn)> entries) => Entries = entries;

    /// <summary>Entries in order; the last has no key (Entry null). ChildVcn is -1 when there is no child.</summary>
    public IReadOnlyList<(NtfsIndexEntry? Entry, long ChildVcn)> Entries { get; }

    /// <summary>Parses the node whose header starts at <paramref name="header"/>'s start; offsets are relative to it.</summary>
    public static NtfsIndexNode Parse(ReadOnlySpan<byte> header, string what)
    {
        if (header.Length < 0x10)
        {
            throw new CorruptFileSystemException($"NTFS {what}: an index node header cut short.");
        }

        var start = BinaryPrimitives.ReadUInt32LittleEndian(header);
        var end = BinaryPrimitives.ReadUInt32LittleEndian(header[4..]);
        if (start < 0x10 || end > header.Length || start >= end)
        {
            throw new CorruptFileSystemException($"NTFS {what}: index entries [{start}, {end}) do not fit their {header.Length}-byte node.");
        }

        var entries = new List<(NtfsIndexEntry?, long)>();
        var position = (int)start;
        while (true)
        {
            if (position + 0x10 > end || entries.Count >= MaxEntries)
            {
                throw new CorruptFileSystemException($"NTFS {what}: the index node has no last entry.");
            }

            var entry = header[position..(int)end];
            int length = BinaryPrimitives.ReadUInt16LittleEndian(entry[8..]);
            int keyLength = BinaryPrimitives.ReadUInt16LittleEndian(entry[0x0A..]);
            var flags = BinaryPrimitives.ReadUInt32LittleEndian(entry[0x0C..]);
            var hasChild = (flags & 1) != 0;
            var last = (flags & 2) != 0;
            if (length < 0x10 || length > entry.Length || length % 8 != 0 || 0x10 + keyLength > length - (hasChild ? 8 : 0))
            {
                throw new CorruptFileSystemException($"NTFS {what}: a malformed index entry of {length} bytes with a {keyLength}-byte key.");
            }

            var childVcn = hasChild ? BinaryPrimitives.ReadInt64LittleEndian(entry[(length - 8)..]) : -1;
            if (hasChild && childVcn < 0)
            {
                throw new CorruptFileSystemException($"NTFS {what}: an index entry points at child VCN {childVcn}.");
            }

            if (last)
            {
                entries.Add((null, childVcn));
                return new NtfsIndexNode(entries);
            }

            var reference = BinaryPrimitives.ReadUInt64LittleEndian(entry);
            entries.Add((new NtfsIndexEntry((long)(reference & 0xFFFF_FFFF_FFFF), (ushort)(reference >> 48), NtfsFileName.Parse(entry.Slice(0x10, keyLength), what)), childVcn));
            position += length;
        }
    }
}

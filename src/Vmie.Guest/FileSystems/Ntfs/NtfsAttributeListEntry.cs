using System.Buffers.Binary;

namespace Vmie.Guest.FileSystems.Ntfs;

/// <summary>
/// One entry of an $ATTRIBUTE_LIST, naming where an attribute of a file spread over several MFT records
/// lives: type (0x00), entry length (0x04), name length and offset (0x06, 0x07), starting VCN (0x08),
/// the MFT reference of the record holding it (0x10), attribute id (0x18).
/// </summary>
internal readonly record struct NtfsAttributeListEntry(NtfsAttributeType Type, long LowestVcn, long RecordNumber, ushort Id)
{
    public const int MaxEntries = 1 << 16;

    public static List<NtfsAttributeListEntry> ParseAll(ReadOnlySpan<byte> list, string what)
    {
        var entries = new List<NtfsAttributeListEntry>();
        var position = 0;
        while (position + 0x1A <= list.Length)
        {
            var entry = list[position..];
            int length = BinaryPrimitives.ReadUInt16LittleEndian(entry[4..]);
            if (length < 0x1A || length > entry.Length || entry[6] * 2 + entry[7] > length)
            {
                throw new CorruptFileSystemException($"NTFS {what}: a malformed $ATTRIBUTE_LIST entry of {length} bytes.");
            }

            if (entries.Count >= MaxEntries)
            {
                throw new CorruptFileSystemException($"NTFS {what}: more than {MaxEntries} $ATTRIBUTE_LIST entries.");
            }

            entries.Add(new NtfsAttributeListEntry(
                (NtfsAttributeType)BinaryPrimitives.ReadUInt32LittleEndian(entry),
                BinaryPrimitives.ReadInt64LittleEndian(entry[8..]),
                (long)(BinaryPrimitives.ReadUInt64LittleEndian(entry[0x10..]) & 0xFFFF_FFFF_FFFF),
                BinaryPrimitives.ReadUInt16LittleEndian(entry[0x18..])));
            position += length;
        }

        return entries;
    }
}

using System.Buffers.Binary;

namespace Vmie.Guest.FileSystems.Ntfs;

/// <summary>
/// One FILE record of the MFT: signature "FILE", update sequence array (0x04, 0x06), sequence number (0x10),
/// first attribute offset (0x14), flags (0x16: 0x01 in use, 0x02 directory), used and allocated size (0x18,
/// 0x1C), base record reference (0x20, 0 for a base record), then attributes up to the 0xFFFFFFFF end marker.
/// </summary>
internal sealed class NtfsFileRecord
{
    private NtfsFileRecord()
    {
    }

    public long Number { get; private init; }

    public ushort SequenceNumber { get; private init; }

    public bool InUse { get; private init; }

    public bool IsDirectory { get; private init; }

    /// <summary>The base record's number for an extension record, else 0.</summary>
    public long BaseRecord { get; private init; }

    public IReadOnlyList<NtfsAttribute> Attributes { get; private init; } = [];

    /// <summary>Applies the fix-ups to <paramref name="record"/> in place and parses it.</summary>
    public static NtfsFileRecord Parse(Span<byte> record, long number, long clusterCount)
    {
        var what = $"MFT record {number}";
        NtfsFixup.Apply(record, "FILE"u8, what);
        int firstAttribute = BinaryPrimitives.ReadUInt16LittleEndian(record[0x14..]);
        var flags = BinaryPrimitives.ReadUInt16LittleEndian(record[0x16..]);
        var used = BinaryPrimitives.ReadUInt32LittleEndian(record[0x18..]);
        if (used > record.Length || firstAttribute < 0x2A || firstAttribute + 4 > used || firstAttribute % 8 != 0)
        {
            throw new CorruptFileSystemException($"NTFS {what}: used size {used} and first attribute at {firstAttribute} do not fit a {record.Length}-byte record.");
        }

        var attributes = new List<NtfsAttribute>();
        var position = firstAttribute;
        var body = record[..(int)used];
        while (true)
        {
            if (position + 4 > body.Length)
            {
                throw new CorruptFileSystemException($"NTFS {what}: the attributes run past the used size without an end marker.");
            }

            if (BinaryPrimitives.ReadUInt32LittleEndian(body[position..]) == (uint)NtfsAttributeType.End)
            {
                break;
            }

            if (position + 0x18 > body.Length)
            {
                throw new CorruptFileSystemException($"NTFS {what}: an attribute header runs past the used size.");
            }

            attributes.Add(NtfsAttribute.Parse(body[position..], number, clusterCount, out var length));
            position += length;
        }

        return new NtfsFileRecord
        {
            Number = number,
            SequenceNumber = BinaryPrimitives.ReadUInt16LittleEndian(record[0x10..]),
            InUse = (flags & 1) != 0,
            IsDirectory = (flags & 2) != 0,
            BaseRecord = (long)(BinaryPrimitives.ReadUInt64LittleEndian(record[0x20..]) & 0xFFFF_FFFF_FFFF),
            Attributes = attributes,
        };
    }
}

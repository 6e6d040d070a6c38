using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Vmie.Guest.FileSystems.Ntfs;

/// <summary>
/// One attribute of a FILE record. Common header: type (0x00), length (0x04), non-resident flag (0x08), name
/// length in UTF-16 units (0x09) and offset (0x0A), flags (0x0C: 0x00FF compressed, 0x4000 encrypted, 0x8000
/// sparse), id (0x0E). Resident: value length (0x10) and offset (0x14). Non-resident: lowest and highest VCN
/// (0x10, 0x18), mapping pairs offset (0x20), compression unit as a power of two clusters (0x22), allocated,
/// data and initialized sizes (0x28, 0x30, 0x38).
/// </summary>
internal sealed class NtfsAttribute
{
    public const ushort CompressedMask = 0x00FF;
    public const ushort EncryptedFlag = 0x4000;

    private NtfsAttribute()
    {
    }

    public NtfsAttributeType Type { get; private init; }

    public string Name { get; private init; } = "";

    public ushort Flags { get; private init; }

    public ushort Id { get; private init; }

    /// <summary>The MFT record this attribute was found in.</summary>
    public long RecordNumber { get; private init; }

    public bool IsResident { get; private init; }

    public byte[] Value { get; private init; } = [];

    public long LowestVcn { get; private init; }

    public long HighestVcn { get; private init; }

    public int CompressionUnit { get; private init; }

    public long AllocatedSize { get; private init; }

    public long DataSize { get; private init; }

    public long InitializedSize { get; private init; }

    public List<NtfsRun> Runs { get; private init; } = [];

    public bool IsCompressed => (Flags & CompressedMask) != 0;

    public bool IsEncrypted => (Flags & EncryptedFlag) != 0;

    /// <summary>Parses the attribute at the start of <paramref name="span"/> (already bounded by the record's used size).</summary>
    public static NtfsAttribute Parse(ReadOnlySpan<byte> span, long recordNumber, long clusterCount, out int length)
    {
        var what = $"MFT record {recordNumber}";
        length = (int)Math.Min(BinaryPrimitives.ReadUInt32LittleEndian(span[4..]), int.MaxValue);
        if (length < 0x18 || length > span.Length || length % 8 != 0)
        {
            throw new CorruptFileSystemException($"NTFS {what}: an attribute of {length} bytes where {span.Length} remain.");
        }

        var attribute = span[..length];
        var type = (NtfsAttributeType)BinaryPrimitives.ReadUInt32LittleEndian(attribute);
        var nonResident = attribute[8] != 0;
        int nameLength = attribute[9];
        int nameOffset = BinaryPrimitives.ReadUInt16LittleEndian(attribute[0x0A..]);
        if (nameLength > 0 && nameOffset + (2 * nameLength) > length)
        {
            throw new CorruptFileSystemException($"NTFS {what}: attribute 0x{(uint)type:X} has its name outside it.");
        }

        var name = nameLength == 0 ? "" : new string(MemoryMarshal.Cast<byte, char>(attribute.Slice(nameOffset, 2 * nameLength)));
        var flags = BinaryPrimitives.ReadUInt16LittleEndian(attribute[0x0C..]);
        var id = BinaryPrimitives.ReadUInt16LittleEndian(attribute[0x0E..]);
        if (!nonResident)
        {
            var valueLength = BinaryPrimitives.ReadUInt32LittleEndian(attribute[0x10..]);
            int valueOffset = BinaryPrimitives.ReadUInt16LittleEndian(attribute[0x14..]);
            if (valueOffset < 0x18 || valueOffset + (long)valueLength > length)
            {
                throw new CorruptFileSystemException($"NTFS {what}: resident attribute 0x{(uint)type:X} has its value outside it.");
            }

            return new NtfsAttribute
            {
                Type = type,
                Name = name,
                Flags = flags,
                Id = id,
                RecordNumber = recordNumber,
                IsResident = true,
                Value = attribute.Slice(valueOffset, (int)valueLength).ToArray(),
                DataSize = valueLength,
                InitializedSize = valueLength,
                AllocatedSize = valueLength,
            };
        }

        if (length < 0x40)
        {
            throw new CorruptFileSystemException($"NTFS {what}: non-resident attribute 0x{(uint)type:X} of only {length} bytes.");
        }

        var lowest = BinaryPrimitives.ReadInt64LittleEndian(attribute[0x10..]);
        var highest = BinaryPrimitives.ReadInt64LittleEndian(attribute[0x18..]);
        int pairsOffset = BinaryPrimitives.ReadUInt16LittleEndian(attribute[0x20..]);
        int compressionUnit = attribute[0x22];
        var allocated = BinaryPrimitives.ReadInt64LittleEndian(attribute[0x28..]);
        var dataSize = BinaryPrimitives.ReadInt64LittleEndian(attribute[0x30..]);
        var initialized = BinaryPrimitives.ReadInt64LittleEndian(attribute[0x38..]);
        if (lowest < 0 || highest < lowest - 1 || highest >= clusterCount * 64 || pairsOffset < 0x40 || pairsOffset > length)
        {
            throw new CorruptFileSystemException($"NTFS {what}: non-resident attribute 0x{(uint)type:X} has VCNs [{lowest}, {highest}] and mapping pairs at {pairsOffset}.");
        }

        if (lowest == 0 && (dataSize < 0 || allocated < 0 || initialized < 0 || initialized > dataSize || compressionUnit > 16))
        {
            throw new CorruptFileSystemException($"NTFS {what}: attribute 0x{(uint)type:X} has sizes {dataSize}/{allocated}/{initialized}.");
        }

        return new NtfsAttribute
        {
            Type = type,
            Name = name,
            Flags = flags,
            Id = id,
            RecordNumber = recordNumber,
            IsResident = false,
            LowestVcn = lowest,
            HighestVcn = highest,
            CompressionUnit = compressionUnit,
            AllocatedSize = allocated,
            DataSize = dataSize,
            InitializedSize = initialized,
            Runs = NtfsRunList.Decode(attribute[pairsOffset..], lowest, highest, clusterCount, $"{what} attribute 0x{(uint)type:X}"),
        };
    }
}

using System.Buffers.Binary;
using System.Text;

namespace Vmie.Guest.Tests.Infrastructure.Ntfs;

/// <summary>
/// Builds one FILE record of the MFT (NTFS 3.1 layout): signature, update sequence array at 0x30, sequence number
/// (0x10), hard link count (0x12), first attribute at 0x38 (0x14), flags (0x16: 1 in use, 2 directory, 8 view
/// index), bytes in use and allocated (0x18, 0x1C), next attribute instance (0x28), own number (0x2C); then the
/// attributes sorted by type and name, each with a unique instance, and the 0xFFFFFFFF end marker. Resident
/// attributes: value length at 0x10, value offset at 0x14, indexed flag at 0x16. Non-resident: VCN range (0x10,
/// 0x18), mapping pairs offset (0x20), allocated, data and initialized sizes (0x28, 0x30, 0x38).
/// </summary>
internal sealed class NtfsRecordBuilder(long number, ushort sequence, ushort flags)
{
    public const ushort InUse = 1;
    public const ushort Directory = 2;
    public const ushort ViewIndex = 8;
    public const int HeaderSize = 0x38;
    public const int EndMarkerSize = 8;

    private readonly List<(uint Type, string Name, byte[] Body)> _attributes = [];

    public long Number { get; } = number;

    public ushort LinkCount { get; set; }

    public int UsedSize => HeaderSize + _attributes.Sum(a => a.Body.Length) + EndMarkerSize;

    /// <summary>Bytes a resident attribute takes in a record.</summary>
    public static int ResidentSize(string name, int valueLength) => Align8(Align8(0x18 + (2 * name.Length)) + valueLength);

    public NtfsRecordBuilder Resident(uint type, string name, ReadOnlySpan<byte> value, bool indexed = false)
    {
        var valueOffset = Align8(0x18 + (2 * name.Length));
        var body = new byte[Align8(valueOffset + value.Length)];
        WriteCommonHeader(body, type, name, nonResident: false, 0x18);
        BinaryPrimitives.WriteUInt32LittleEndian(body.AsSpan(0x10), (uint)value.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(body.AsSpan(0x14), (ushort)valueOffset);
        body[0x16] = indexed ? (byte)1 : (byte)0;
        value.CopyTo(body.AsSpan(valueOffset));
        _attributes.Add((type, name, body));
        return this;
    }

    /// <summary>A non-resident attribute over <paramref name="runs"/>, of <paramref name="dataSize"/> bytes, all initialized.</summary>
    public NtfsRecordBuilder NonResident(uint type, string name, IReadOnlyList<NtfsExtent> runs, long dataSize, int clusterSize)
    {
        var clusters = runs.Sum(run => run.Length);
        if (clusters == 0 || dataSize > clusters * clusterSize)
        {
            throw new ArgumentException($"{dataSize} bytes do not fit {clusters} clusters.", nameof(runs));
        }

        var pairs = NtfsMappingPairs.Encode(runs);
        var pairsOffset = Align8(0x40 + (2 * name.Length));
        var body = new byte[Align8(pairsOffset + pairs.Length)];
        WriteCommonHeader(body, type, name, nonResident: true, 0x40);
        BinaryPrimitives.WriteInt64LittleEndian(body.AsSpan(0x10), 0);
        BinaryPrimitives.WriteInt64LittleEndian(body.AsSpan(0x18), clusters - 1);
        BinaryPrimitives.WriteUInt16LittleEndian(body.AsSpan(0x20), (ushort)pairsOffset);
        BinaryPrimitives.WriteInt64LittleEndian(body.AsSpan(0x28), clusters * clusterSize);
        BinaryPrimitives.WriteInt64LittleEndian(body.AsSpan(0x30), dataSize);
        BinaryPrimitives.WriteInt64LittleEndian(body.AsSpan(0x38), dataSize);
        pairs.CopyTo(body.AsSpan(pairsOffset));
        _attributes.Add((type, name, body));
        return this;
    }

    /// <summary>The record, protected by its update sequence array, ready to be written.</summary>
    public byte[] Build(int recordSize)
    {
        var record = new byte[recordSize];
        var ordered = _attributes.OrderBy(a => a.Type).ThenBy(a => a.Name, StringComparer.Ordinal).ToList();
        if (UsedSize > recordSize)
        {
            throw new InvalidOperationException($"MFT record {Number}: its attributes need {UsedSize} bytes, more than a {recordSize}-byte record.");
        }

        "FILE"u8.CopyTo(record);
        BinaryPrimitives.WriteUInt16LittleEndian(record.AsSpan(0x10), sequence);
        BinaryPrimitives.WriteUInt16LittleEndian(record.AsSpan(0x12), LinkCount);
        BinaryPrimitives.WriteUInt16LittleEndian(record.AsSpan(0x14), HeaderSize);
        BinaryPrimitives.WriteUInt16LittleEndian(record.AsSpan(0x16), flags);
        BinaryPrimitives.WriteUInt32LittleEndian(record.AsSpan(0x18), (uint)UsedSize);
        BinaryPrimitives.WriteUInt32LittleEndian(record.AsSpan(0x1C), (uint)recordSize);
        BinaryPrimitives.WriteUInt16LittleEndian(record.AsSpan(0x28), (ushort)ordered.Count);
        BinaryPrimitives.WriteUInt32LittleEndian(record.AsSpan(0x2C), (uint)Number);
        var position = HeaderSize;
        for (var instance = 0; instance < ordered.Count; instance++)
        {
            var body = ordered[instance].Body;
            body.CopyTo(record.AsSpan(position));
            BinaryPrimitives.WriteUInt16LittleEndian(record.AsSpan(position + 0x0E), (ushort)instance);
            position += body.Length;
        }

        BinaryPrimitives.WriteUInt32LittleEndian(record.AsSpan(position), 0xFFFFFFFF);
        NtfsUpdateSequence.Protect(record, 0x30, 1);
        return record;
    }

    /// <summary>A formatted record that is not in use (what unused MFT slots hold).</summary>
    public static byte[] Unused(long number, int recordSize) => new NtfsRecordBuilder(number, 0, 0).Build(recordSize);

    public static int Align8(int value) => (value + 7) & ~7;

    private static void WriteCommonHeader(Span<byte> body, uint type, string name, bool nonResident, int nameOffset)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(body, type);
        BinaryPrimitives.WriteUInt32LittleEndian(body[4..], (uint)body.Length);
        body[8] = nonResident ? (byte)1 : (byte)0;
        body[9] = (byte)name.Length;
        BinaryPrimitives.WriteUInt16LittleEndian(body[0x0A..], (ushort)nameOffset);
        Encoding.Unicode.GetBytes(name, body[nameOffset..]);
    }
}

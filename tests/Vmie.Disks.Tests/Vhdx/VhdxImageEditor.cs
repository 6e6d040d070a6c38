using System.Buffers.Binary;
using Vmie.Disks.Vhdx;

namespace Vmie.Disks.Tests.Vhdx;

/// <summary>
/// A VHDX file held in memory for tests that damage or extend it: finds regions, metadata items and BAT
/// entries the way the format lays them out, and reseals checksums after an edit.
/// </summary>
internal sealed class VhdxImageEditor
{
    public static readonly Guid FileParametersId = new("CAA16737-FA36-4D43-B3B6-33F0AA44E76B");
    public static readonly Guid VirtualDiskSizeId = new("2FA54224-CD1B-4876-B211-5DBED83BF4B8");
    public static readonly Guid LogicalSectorSizeId = new("8141BF1D-A96F-4709-BA47-F233A8FAAB5F");

    public VhdxImageEditor(string path)
    {
        Bytes = File.ReadAllBytes(path);
    }

    public byte[] Bytes { get; private set; }

    /// <summary>Offset of the header copy with the higher sequence number.</summary>
    public int CurrentHeaderOffset =>
        BinaryPrimitives.ReadUInt64LittleEndian(Bytes.AsSpan(128 * 1024 + 8)) > BinaryPrimitives.ReadUInt64LittleEndian(Bytes.AsSpan(64 * 1024 + 8)) ? 128 * 1024 : 64 * 1024;

    public long LogOffset => (long)BinaryPrimitives.ReadUInt64LittleEndian(Bytes.AsSpan(CurrentHeaderOffset + 72));

    public int RegionOffset(Guid id)
    {
        var count = BinaryPrimitives.ReadInt32LittleEndian(Bytes.AsSpan(192 * 1024 + 8));
        for (var i = 0; i < count; i++)
        {
            var entry = 192 * 1024 + 16 + (i * 32);
            if (new Guid(Bytes.AsSpan(entry, 16)) == id)
            {
                return (int)BinaryPrimitives.ReadUInt64LittleEndian(Bytes.AsSpan(entry + 16));
            }
        }

        throw new InvalidOperationException($"region {id} not found");
    }

    public int BatOffset => RegionOffset(VhdxRegionTable.BatGuid);

    public int MetadataItemOffset(Guid id)
    {
        var metadata = RegionOffset(VhdxRegionTable.MetadataGuid);
        var count = BinaryPrimitives.ReadUInt16LittleEndian(Bytes.AsSpan(metadata + 10));
        for (var i = 0; i < count; i++)
        {
            var entry = metadata + 32 + (i * 32);
            if (new Guid(Bytes.AsSpan(entry, 16)) == id)
            {
                return metadata + BinaryPrimitives.ReadInt32LittleEndian(Bytes.AsSpan(entry + 16));
            }
        }

        throw new InvalidOperationException($"metadata item {id} not found");
    }

    public ulong BatEntry(int index) => BinaryPrimitives.ReadUInt64LittleEndian(Bytes.AsSpan(BatOffset + (index * 8)));

    public void SetBatEntry(int index, ulong value) => BinaryPrimitives.WriteUInt64LittleEndian(Bytes.AsSpan(BatOffset + (index * 8)), value);

    public void WriteUInt32(int offset, uint value) => BinaryPrimitives.WriteUInt32LittleEndian(Bytes.AsSpan(offset), value);

    public void WriteUInt64(int offset, ulong value) => BinaryPrimitives.WriteUInt64LittleEndian(Bytes.AsSpan(offset), value);

    /// <summary>Recomputes the CRC-32C of the structure of <paramref name="size"/> bytes at <paramref name="offset"/>.</summary>
    public void Reseal(int offset, int size) =>
        BinaryPrimitives.WriteUInt32LittleEndian(Bytes.AsSpan(offset + 4), VhdxCrc32C.Compute(Bytes.AsSpan(offset, size), 4));

    public void Truncate(int length) => Bytes = Bytes[..length];

    public string Save(string path)
    {
        File.WriteAllBytes(path, Bytes);
        return path;
    }
}

using System.Buffers.Binary;

namespace Vmie.Disks.Vmdk;

/// <summary>
/// A marker of a streamOptimized extent ("Virtual Disk Format 5.0", "Stream-Optimized Compressed Sparse
/// Extents"): { uint64 value; uint32 size; uint32 type } at the start of a sector. A non-zero size makes it
/// a grain marker (value = LBA in sectors, size = compressed bytes that follow at offset 12); a zero size makes
/// it a metadata marker whose type says what the next sectors hold (value = their count in sectors).
/// </summary>
internal readonly record struct StreamMarker(ulong Value, uint Size, uint Type)
{
    public const int GrainHeaderSize = 12;
    public const int EncodedLength = 16;

    public const uint EndOfStream = 0;
    public const uint GrainTable = 1;
    public const uint GrainDirectory = 2;
    public const uint Footer = 3;

    public bool IsGrain => Size != 0;

    /// <summary>Writes a metadata marker: a whole sector, {count of sectors that follow, 0, type}, zero padded.</summary>
    public static void WriteMetadata(Span<byte> sector, ulong sectorsThatFollow, uint type)
    {
        sector[..SparseExtentHeader.SectorSize].Clear();
        BinaryPrimitives.WriteUInt64LittleEndian(sector, sectorsThatFollow);
        BinaryPrimitives.WriteUInt32LittleEndian(sector[12..], type);
    }

    /// <summary>Writes the 12 bytes that open a grain: {LBA in sectors, compressed bytes that follow}.</summary>
    public static void WriteGrainHeader(Span<byte> destination, ulong lba, uint compressedSize)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(destination, lba);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[8..], compressedSize);
    }

    public static StreamMarker Parse(ReadOnlySpan<byte> bytes) => new(
        BinaryPrimitives.ReadUInt64LittleEndian(bytes),
        BinaryPrimitives.ReadUInt32LittleEndian(bytes[8..]),
        BinaryPrimitives.ReadUInt32LittleEndian(bytes[12..]));
}

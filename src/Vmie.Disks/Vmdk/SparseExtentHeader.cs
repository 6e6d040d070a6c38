using System.Buffers.Binary;
using Vmie.Disks.Abstractions;

namespace Vmie.Disks.Vmdk;

/// <summary>
/// The 512-byte header of a hosted sparse extent ("KDMV"), as in VMware "Virtual Disk Format 5.0",
/// "Hosted Sparse Extent Header". All offsets and sizes are in 512-byte sectors, little-endian.
/// A streamOptimized file written the VMware way repeats it as a footer near the end (see <see cref="StreamMarker"/>).
/// </summary>
internal sealed record SparseExtentHeader
{
    public const int Size = 512;
    public const int SectorSize = 512;
    public const uint Magic = 0x564D444B; // "KDMV" read little-endian

    /// <summary>gdOffset of a stream whose grain directory is written after the grains (VMware layout).</summary>
    public const ulong GrainDirectoryAtEnd = ulong.MaxValue;

    public const uint FlagValidNewLineTest = 1u << 0;
    public const uint FlagRedundantGrainTable = 1u << 1;
    public const uint FlagZeroedGrainEntries = 1u << 2;
    public const uint FlagCompressedGrains = 1u << 16;
    public const uint FlagMarkers = 1u << 17;

    public const ushort CompressionNone = 0;
    public const ushort CompressionDeflate = 1;

    // Bounds vmie enforces: the spec requires a power-of-two grain of more than 8 sectors; 2048 sectors (1 MiB)
    // is far above what any writer uses and keeps a decoded grain small.
    public const ulong MinGrainSectors = 8;
    public const ulong MaxGrainSectors = 2048;
    public const uint MaxGrainTableEntries = 4096;
    public const ulong MaxDescriptorSectors = 2048;

    public required uint Version { get; init; }
    public required uint Flags { get; init; }
    public required ulong CapacitySectors { get; init; }
    public required ulong GrainSectors { get; init; }
    public required ulong DescriptorOffset { get; init; }
    public required ulong DescriptorSectors { get; init; }
    public required uint GrainTableEntries { get; init; }
    public required ulong RedundantDirectoryOffset { get; init; }
    public required ulong DirectoryOffset { get; init; }
    public required ulong OverheadSectors { get; init; }
    public required ushort CompressAlgorithm { get; init; }

    public bool HasCompressedGrains => (Flags & FlagCompressedGrains) != 0;
    public bool HasMarkers => (Flags & FlagMarkers) != 0;
    public bool HasRedundantDirectory => (Flags & FlagRedundantGrainTable) != 0 && RedundantDirectoryOffset != 0;
    public bool HasZeroedGrainEntries => (Flags & FlagZeroedGrainEntries) != 0;
    public bool DirectoryIsAtEnd => DirectoryOffset == GrainDirectoryAtEnd;

    public long Capacity => (long)CapacitySectors * SectorSize;
    public int GrainBytes => (int)GrainSectors * SectorSize;
    public long GrainCount => (long)((CapacitySectors + GrainSectors - 1) / GrainSectors);
    public long DirectoryEntries => (GrainCount + GrainTableEntries - 1) / GrainTableEntries;

    public static bool HasMagic(ReadOnlySpan<byte> bytes) =>
        bytes.Length >= 4 && BinaryPrimitives.ReadUInt32LittleEndian(bytes) == Magic;

    /// <summary>Parses and checks every field vmie relies on; throws before anything is allocated from it.</summary>
    public static SparseExtentHeader Parse(ReadOnlySpan<byte> bytes, string where)
    {
        if (bytes.Length < Size || !HasMagic(bytes))
        {
            throw new InvalidDiskImageException($"The VMDK {where} does not start with the sparse extent magic 'KDMV'.");
        }

        var header = new SparseExtentHeader
        {
            Version = BinaryPrimitives.ReadUInt32LittleEndian(bytes[4..]),
            Flags = BinaryPrimitives.ReadUInt32LittleEndian(bytes[8..]),
            CapacitySectors = BinaryPrimitives.ReadUInt64LittleEndian(bytes[12..]),
            GrainSectors = BinaryPrimitives.ReadUInt64LittleEndian(bytes[20..]),
            DescriptorOffset = BinaryPrimitives.ReadUInt64LittleEndian(bytes[28..]),
            DescriptorSectors = BinaryPrimitives.ReadUInt64LittleEndian(bytes[36..]),
            GrainTableEntries = BinaryPrimitives.ReadUInt32LittleEndian(bytes[44..]),
            RedundantDirectoryOffset = BinaryPrimitives.ReadUInt64LittleEndian(bytes[48..]),
            DirectoryOffset = BinaryPrimitives.ReadUInt64LittleEndian(bytes[56..]),
            OverheadSectors = BinaryPrimitives.ReadUInt64LittleEndian(bytes[64..]),
            CompressAlgorithm = BinaryPrimitives.ReadUInt16LittleEndian(bytes[77..]),
        };
        header.Validate(where);
        return header;
    }

    /// <summary>
    /// Writes the 512-byte on-disk form (the inverse of <see cref="Parse"/>): the fields at their offsets, the
    /// newline-detection characters "\n \r\n" at 73, the rest zero (uncleanShutdown, padding).
    /// </summary>
    public void WriteTo(Span<byte> destination)
    {
        var bytes = destination[..Size];
        bytes.Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, Magic);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes[4..], Version);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes[8..], Flags);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes[12..], CapacitySectors);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes[20..], GrainSectors);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes[28..], DescriptorOffset);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes[36..], DescriptorSectors);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes[44..], GrainTableEntries);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes[48..], RedundantDirectoryOffset);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes[56..], DirectoryOffset);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes[64..], OverheadSectors);
        "\n \r\n"u8.CopyTo(bytes[73..]);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes[77..], CompressAlgorithm);
    }

    private void Validate(string where)
    {
        if (Version is < 1 or > 3)
        {
            throw new UnsupportedDiskImageException($"The VMDK {where} has sparse extent version {Version}; only versions 1 to 3 are supported.");
        }

        if (CompressAlgorithm > CompressionDeflate || (HasCompressedGrains && CompressAlgorithm != CompressionDeflate))
        {
            // Spec §13 N6, in AWS's words.
            throw new UnsupportedDiskImageException($"ERROR: File uses unsupported compression algorithm {CompressAlgorithm}");
        }

        if (CapacitySectors >= (ulong)DiskImageLimits.MaxVirtualSize / SectorSize)
        {
            DiskImageLimits.CheckVirtualSize(CapacitySectors > long.MaxValue / SectorSize ? long.MaxValue : (long)CapacitySectors * SectorSize, "VMDK");
        }

        if (GrainSectors < MinGrainSectors || GrainSectors > MaxGrainSectors || (GrainSectors & (GrainSectors - 1)) != 0)
        {
            throw new InvalidDiskImageException($"The VMDK {where} declares a grain size of {GrainSectors} sectors; it must be a power of two from {MinGrainSectors} to {MaxGrainSectors}.");
        }

        if (GrainTableEntries is 0 or > MaxGrainTableEntries)
        {
            throw new InvalidDiskImageException($"The VMDK {where} declares {GrainTableEntries} entries per grain table; at most {MaxGrainTableEntries} are accepted.");
        }

        if (DescriptorSectors > MaxDescriptorSectors)
        {
            throw new InvalidDiskImageException($"The VMDK {where} declares an embedded descriptor of {DescriptorSectors} sectors; at most {MaxDescriptorSectors} are accepted.");
        }
    }
}

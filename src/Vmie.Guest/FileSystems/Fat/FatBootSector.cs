using System.Buffers.Binary;

namespace Vmie.Guest.FileSystems.Fat;

/// <summary>
/// The BIOS parameter block in sector 0 (Microsoft FAT specification §3.1 common fields, §3.2 FAT12/16 and
/// §3.3 FAT32 extensions) and the regions it implies (§3.5 determination of FAT type, §4 FAT, §6 root
/// directory). Every field is checked: a volume that lies gives <see cref="CorruptFileSystemException"/>.
/// </summary>
internal sealed class FatBootSector
{
    public const int Size = 512;

    // Microsoft's limits (§3.5): fewer than 4085 clusters is FAT12, fewer than 65525 is FAT16.
    private const long MaxFat12Clusters = 4084;
    private const long MaxFat16Clusters = 65524;
    private const long MaxFat32Clusters = 0x0FFFFFF5;
    private const int MaxClusterSize = 1 << 20;

    private FatBootSector()
    {
    }

    public FatType Type { get; private init; }

    public int BytesPerSector { get; private init; }

    public int ClusterSize { get; private init; }

    /// <summary>Byte offset of the FAT the reader uses (the active one when FAT32 mirroring is off).</summary>
    public long FatOffset { get; private init; }

    public long FatBytes { get; private init; }

    /// <summary>FAT12/16 only: the fixed root directory region.</summary>
    public long RootDirectoryOffset { get; private init; }

    public int RootDirectoryBytes { get; private init; }

    /// <summary>FAT32 only: the root directory's first cluster.</summary>
    public uint RootCluster { get; private init; }

    public long DataOffset { get; private init; }

    /// <summary>Data clusters, numbered 2 to ClusterCount + 1.</summary>
    public uint ClusterCount { get; private init; }

    public uint? SerialNumber { get; private init; }

    /// <summary>The label in the boot sector, or null when unset ("NO NAME").</summary>
    public string? Label { get; private init; }

    public static FatBootSector Parse(ReadOnlySpan<byte> sector, long volumeLength)
    {
        if (sector.Length < Size)
        {
            throw new CorruptFileSystemException("The FAT boot sector is shorter than 512 bytes.");
        }

        int bytesPerSector = BinaryPrimitives.ReadUInt16LittleEndian(sector[11..]);
        int sectorsPerCluster = sector[13];
        int reserved = BinaryPrimitives.ReadUInt16LittleEndian(sector[14..]);
        int fats = sector[16];
        int rootEntries = BinaryPrimitives.ReadUInt16LittleEndian(sector[17..]);
        uint totalSectors16 = BinaryPrimitives.ReadUInt16LittleEndian(sector[19..]);
        uint fatSize16 = BinaryPrimitives.ReadUInt16LittleEndian(sector[22..]);
        var totalSectors32 = BinaryPrimitives.ReadUInt32LittleEndian(sector[32..]);
        var fatSize32 = BinaryPrimitives.ReadUInt32LittleEndian(sector[36..]);

        if (bytesPerSector is < 512 or > 4096 || (bytesPerSector & (bytesPerSector - 1)) != 0)
        {
            throw new CorruptFileSystemException($"FAT: {bytesPerSector} bytes per sector (512 to 4096, a power of two).");
        }

        if (sectorsPerCluster == 0 || (sectorsPerCluster & (sectorsPerCluster - 1)) != 0 || sectorsPerCluster * bytesPerSector > MaxClusterSize)
        {
            throw new CorruptFileSystemException($"FAT: {sectorsPerCluster} sectors per cluster.");
        }

        if (reserved == 0 || fats == 0)
        {
            throw new CorruptFileSystemException($"FAT: {reserved} reserved sectors and {fats} FATs (both must be at least 1).");
        }

        var totalSectors = totalSectors16 != 0 ? totalSectors16 : totalSectors32;
        var fatSectors = fatSize16 != 0 ? fatSize16 : fatSize32;
        if (totalSectors == 0 || fatSectors == 0)
        {
            throw new CorruptFileSystemException($"FAT: {totalSectors} total sectors and {fatSectors} sectors per FAT.");
        }

        var rootSectors = ((rootEntries * 32L) + bytesPerSector - 1) / bytesPerSector;
        var metadataSectors = reserved + (fats * (long)fatSectors) + rootSectors;
        if (metadataSectors >= totalSectors)
        {
            throw new CorruptFileSystemException($"FAT: the reserved, FAT and root regions ({metadataSectors} sectors) fill the volume's {totalSectors} sectors.");
        }

        var clusters = (totalSectors - metadataSectors) / sectorsPerCluster;

        // Linux's rule, which agrees with Microsoft's cluster-count rule on every volume Windows reads: a zero
        // 16-bit FAT size means the FAT32 layout (root cluster, 32-bit FAT size), whatever the cluster count,
        // as mkfs.vfat -F 32 makes on small volumes; otherwise the cluster count tells FAT12 from FAT16.
        var type = fatSize16 == 0 ? FatType.Fat32 : clusters <= MaxFat12Clusters ? FatType.Fat12 : FatType.Fat16;
        if (type != FatType.Fat32 && clusters > MaxFat16Clusters)
        {
            throw new CorruptFileSystemException($"FAT: {clusters} clusters need FAT32, but the boot sector has a 16-bit FAT size.");
        }

        if (type == FatType.Fat32 && (clusters > MaxFat32Clusters || rootEntries != 0))
        {
            throw new CorruptFileSystemException($"FAT32: {clusters} clusters and {rootEntries} fixed root entries.");
        }

        if (clusters == 0)
        {
            throw new CorruptFileSystemException("FAT: the volume has no data clusters.");
        }

        // The FAT must hold an entry for every cluster, counting the two reserved entries (§4).
        var entryBits = type switch { FatType.Fat12 => 12, FatType.Fat16 => 16, _ => 32 };
        var neededFatBytes = (((clusters + 2) * entryBits) + 7) / 8;
        var fatBytes = (long)fatSectors * bytesPerSector;
        if (fatBytes < neededFatBytes)
        {
            throw new CorruptFileSystemException($"FAT: a FAT of {fatBytes} bytes cannot map {clusters} clusters.");
        }

        var activeFat = 0;
        var rootCluster = 0u;
        var extended = 36;
        if (type == FatType.Fat32)
        {
            var flags = BinaryPrimitives.ReadUInt16LittleEndian(sector[40..]);
            var version = BinaryPrimitives.ReadUInt16LittleEndian(sector[42..]);
            if (version != 0)
            {
                throw new CorruptFileSystemException($"FAT32: file system version {version >> 8}.{version & 0xFF} (only 0.0 exists).");
            }

            // Bit 7 set: mirroring is off and bits 0-3 name the only FAT kept up to date (§3.3 BPB_ExtFlags).
            if ((flags & 0x80) != 0)
            {
                activeFat = flags & 0x0F;
                if (activeFat >= fats)
                {
                    throw new CorruptFileSystemException($"FAT32: active FAT {activeFat} of {fats}.");
                }
            }

            rootCluster = BinaryPrimitives.ReadUInt32LittleEndian(sector[44..]);
            if (rootCluster < 2 || rootCluster - 2 >= clusters)
            {
                throw new CorruptFileSystemException($"FAT32: root cluster {rootCluster} outside clusters 2..{clusters + 1}.");
            }

            extended = 64;
        }

        var fatOffset = ((long)reserved + ((long)activeFat * fatSectors)) * bytesPerSector;
        var rootOffset = ((long)reserved + (fats * (long)fatSectors)) * bytesPerSector;
        var neededMetadata = type == FatType.Fat32 ? fatOffset + neededFatBytes : rootOffset + (rootEntries * 32L);
        if (neededMetadata > volumeLength)
        {
            throw new CorruptFileSystemException($"FAT: the volume of {volumeLength} bytes ends before its FAT and root regions ({neededMetadata} bytes).");
        }

        // Boot signature 0x29: a serial number and label follow (§3.2 BS_BootSig, §3.3 BS_BootSig).
        uint? serial = null;
        string? label = null;
        if (sector[extended + 2] == 0x29)
        {
            serial = BinaryPrimitives.ReadUInt32LittleEndian(sector[(extended + 3)..]);
            label = LabelText(sector.Slice(extended + 7, 11));
        }

        return new FatBootSector
        {
            Type = type,
            BytesPerSector = bytesPerSector,
            ClusterSize = bytesPerSector * sectorsPerCluster,
            FatOffset = fatOffset,
            FatBytes = neededFatBytes,
            RootDirectoryOffset = rootOffset,
            RootDirectoryBytes = rootEntries * 32,
            RootCluster = rootCluster,
            DataOffset = (reserved + (fats * (long)fatSectors) + rootSectors) * bytesPerSector,
            ClusterCount = (uint)clusters,
            SerialNumber = serial,
            Label = label,
        };
    }

    /// <summary>An 11-byte space-padded label; null when blank or "NO NAME" (what mkfs writes for none).</summary>
    public static string? LabelText(ReadOnlySpan<byte> field)
    {
        var end = field.IndexOf((byte)0);
        var text = FatShortName.Encoding.GetString(end < 0 ? field : field[..end]).TrimEnd(' ');
        return text.Length == 0 || text == "NO NAME" ? null : text;
    }

    public long ClusterOffset(uint cluster) => DataOffset + ((long)(cluster - 2) * ClusterSize);

    public bool IsDataCluster(uint cluster) => cluster >= 2 && cluster - 2 < ClusterCount;
}

using System.Buffers.Binary;
using System.Text;

namespace Vmie.Guest.FileSystems.Btrfs;

/// <summary>
/// The primary superblock (Btrfs on-disk format, "Superblock"): 4 KiB at 64 KiB, magic "_BHRfS_M", checksummed
/// like a tree block. Every field this reader uses is checked against sane limits here.
/// </summary>
internal sealed class BtrfsSuperblock
{
    public const long Offset = 0x10000;
    public const int Size = 4096;
    public const int MaxLevel = 7;
    public const int SysChunkArrayOffset = 0x32B;
    public const int SysChunkArrayMax = 2048;

    private const ulong Magic = 0x4D5F53665248425F; // "_BHRfS_M"
    private const ulong MetadataUuidFlag = 0x400;

    // Incompatible features that change the layout this reader depends on.
    private const ulong ExtentTreeV2 = 0x2000;
    private const ulong RaidStripeTree = 0x4000;
    private const ulong KnownIncompat = 0x1FFF | 0x10000;

    private BtrfsSuperblock(byte[] data)
    {
        var span = data.AsSpan();
        Fsid = span.Slice(0x20, 16).ToArray();
        Generation = U64(span, 0x48);
        RootTree = U64(span, 0x50);
        ChunkTree = U64(span, 0x58);
        LogTree = U64(span, 0x60);
        TotalBytes = U64(span, 0x70);
        RootDirObjectId = U64(span, 0x80);
        NumDevices = U64(span, 0x88);
        SectorSize = BinaryPrimitives.ReadUInt32LittleEndian(span[0x90..]);
        NodeSize = BinaryPrimitives.ReadUInt32LittleEndian(span[0x94..]);
        SysChunkArraySize = BinaryPrimitives.ReadUInt32LittleEndian(span[0xA0..]);
        ChunkRootGeneration = U64(span, 0xA4);
        Incompat = U64(span, 0xBC);
        ChecksumType = BinaryPrimitives.ReadUInt16LittleEndian(span[0xC4..]);
        RootLevel = span[0xC6];
        ChunkRootLevel = span[0xC7];
        DeviceId = U64(span, 0xC9);
        var label = span.Slice(0x12B, 256);
        var end = label.IndexOf((byte)0);
        Label = Encoding.UTF8.GetString(end < 0 ? label : label[..end]);
        MetadataUuid = (Incompat & MetadataUuidFlag) != 0 ? span.Slice(0x23B, 16).ToArray() : Fsid;
        SysChunkArray = span.Slice(SysChunkArrayOffset, (int)Math.Min(SysChunkArraySize, SysChunkArrayMax)).ToArray();
    }

    public byte[] Fsid { get; }

    /// <summary>The UUID tree blocks carry: the fsid, unless metadata_uuid set one apart.</summary>
    public byte[] MetadataUuid { get; }

    public ulong Generation { get; }

    public ulong RootTree { get; }

    public ulong ChunkTree { get; }

    public ulong LogTree { get; }

    public ulong TotalBytes { get; }

    public ulong RootDirObjectId { get; }

    public ulong NumDevices { get; }

    public uint SectorSize { get; }

    public uint NodeSize { get; }

    public uint SysChunkArraySize { get; }

    public ulong ChunkRootGeneration { get; }

    public ulong Incompat { get; }

    public ushort ChecksumType { get; }

    public byte RootLevel { get; }

    public byte ChunkRootLevel { get; }

    public ulong DeviceId { get; }

    public string Label { get; }

    public byte[] SysChunkArray { get; }

    public static bool HasMagic(ReadOnlySpan<byte> superblock) =>
        superblock.Length >= 0x48 && BinaryPrimitives.ReadUInt64LittleEndian(superblock[0x40..]) == Magic;

    public static BtrfsSuperblock Parse(byte[] data, long volumeLength)
    {
        if (!HasMagic(data))
        {
            throw new CorruptFileSystemException("No Btrfs superblock at 64 KiB (magic _BHRfS_M missing).");
        }

        var checksumType = BinaryPrimitives.ReadUInt16LittleEndian(data.AsSpan(0xC4));
        if (!BtrfsChecksum.IsKnown(checksumType))
        {
            throw new CorruptFileSystemException($"Btrfs superblock: unknown checksum type {checksumType}.");
        }

        if (!BtrfsChecksum.Matches(checksumType, data))
        {
            throw new CorruptFileSystemException($"Btrfs superblock: {BtrfsChecksum.Name(checksumType)} checksum mismatch.");
        }

        var superblock = new BtrfsSuperblock(data);
        superblock.Validate(U64(data, 0x30), volumeLength);
        return superblock;
    }

    private static ulong U64(ReadOnlySpan<byte> data, int offset) => BinaryPrimitives.ReadUInt64LittleEndian(data[offset..]);

    private static bool IsPowerOfTwoBetween(uint value, uint min, uint max) => value >= min && value <= max && (value & (value - 1)) == 0;

    private void Validate(ulong bytenr, long volumeLength)
    {
        if (bytenr != Offset)
        {
            throw new CorruptFileSystemException($"Btrfs superblock: it says it lies at byte {bytenr}, not {Offset}.");
        }

        if (!IsPowerOfTwoBetween(SectorSize, 4096, 65536))
        {
            throw new CorruptFileSystemException($"Btrfs superblock: sector size {SectorSize} is not a power of two from 4 KiB to 64 KiB.");
        }

        if (!IsPowerOfTwoBetween(NodeSize, Math.Max(4096, SectorSize), 65536))
        {
            throw new CorruptFileSystemException($"Btrfs superblock: node size {NodeSize} is not a power of two from the sector size to 64 KiB.");
        }

        if (SysChunkArraySize > SysChunkArrayMax)
        {
            throw new CorruptFileSystemException($"Btrfs superblock: system chunk array of {SysChunkArraySize} bytes (at most {SysChunkArrayMax}).");
        }

        if (RootLevel > MaxLevel || ChunkRootLevel > MaxLevel)
        {
            throw new CorruptFileSystemException($"Btrfs superblock: tree levels {RootLevel} and {ChunkRootLevel} (at most {MaxLevel}).");
        }

        if (NumDevices == 0)
        {
            throw new CorruptFileSystemException("Btrfs superblock: zero devices.");
        }

        if (RootTree % SectorSize != 0 || ChunkTree % SectorSize != 0 || RootTree == 0 || ChunkTree == 0)
        {
            throw new CorruptFileSystemException($"Btrfs superblock: root tree {RootTree} or chunk tree {ChunkTree} is not sector-aligned.");
        }

        if (NumDevices > 1)
        {
            throw new BtrfsNotSupportedException($"This Btrfs file system spans {NumDevices} devices; vmie reads single-device Btrfs only.");
        }

        if (TotalBytes > (ulong)volumeLength)
        {
            throw new CorruptFileSystemException($"Btrfs superblock: the file system claims {TotalBytes} bytes but the volume holds {volumeLength} (truncated?).");
        }

        if ((Incompat & (ExtentTreeV2 | RaidStripeTree)) != 0 || (Incompat & ~KnownIncompat) != 0)
        {
            throw new BtrfsNotSupportedException($"Btrfs incompatible features 0x{Incompat:x} include ones vmie cannot read (extent tree v2, RAID stripe tree or unknown).");
        }
    }
}

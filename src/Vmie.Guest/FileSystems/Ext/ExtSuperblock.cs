using System.Buffers.Binary;
using System.Numerics;
using System.Text;

namespace Vmie.Guest.FileSystems.Ext;

/// <summary>
/// The fields of the ext2/3/4 superblock a reader needs (ext4 disk layout, "The Super Block": 1024 bytes at
/// byte 1024 of the volume, little-endian). Parsing checks every geometry field, so later arithmetic on them
/// cannot overflow or divide by zero.
/// </summary>
internal sealed class ExtSuperblock
{
    public const int Offset = 1024;
    public const int Size = 1024;
    public const ushort Magic = 0xEF53;
    private const int MagicOffset = 0x38;
    private const int ChecksumOffset = 0x3FC;

    /// <summary>Incompatible features this reader understands; any other bit refuses the volume.</summary>
    private const ExtIncompatFeatures Understood =
        ExtIncompatFeatures.FileType | ExtIncompatFeatures.NeedsRecovery | ExtIncompatFeatures.MetaBlockGroups |
        ExtIncompatFeatures.Extents | ExtIncompatFeatures.Bit64 | ExtIncompatFeatures.MultiMountProtection |
        ExtIncompatFeatures.FlexBlockGroups | ExtIncompatFeatures.ExtendedAttributeInodes |
        ExtIncompatFeatures.ChecksumSeed | ExtIncompatFeatures.LargeDirectories | ExtIncompatFeatures.InlineData |
        ExtIncompatFeatures.Encryption | ExtIncompatFeatures.CaseFolding;

    private ExtSuperblock()
    {
    }

    public uint InodesCount { get; private init; }

    public ulong BlocksCount { get; private init; }

    public uint FirstDataBlock { get; private init; }

    public int BlockSize { get; private init; }

    public uint BlocksPerGroup { get; private init; }

    public uint InodesPerGroup { get; private init; }

    public int InodeSize { get; private init; }

    public int DescriptorSize { get; private init; }

    public uint FirstMetaBlockGroup { get; private init; }

    public uint GroupCount { get; private init; }

    public ExtCompatFeatures Compat { get; private init; }

    public ExtIncompatFeatures Incompat { get; private init; }

    public ExtRoCompatFeatures RoCompat { get; private init; }

    public byte[] Uuid { get; private init; } = [];

    public string? Label { get; private init; }

    public uint BackupGroup1 { get; private init; }

    public uint BackupGroup2 { get; private init; }

    /// <summary>True when the first 2 KiB of a volume hold an ext superblock magic.</summary>
    public static bool HasMagic(ReadOnlySpan<byte> first2KiB) =>
        first2KiB.Length >= Offset + MagicOffset + 2 &&
        BinaryPrimitives.ReadUInt16LittleEndian(first2KiB[(Offset + MagicOffset)..]) == Magic;

    public static ExtSuperblock Parse(ReadOnlySpan<byte> sb, long volumeLength)
    {
        if (BinaryPrimitives.ReadUInt16LittleEndian(sb[MagicOffset..]) != Magic)
        {
            throw new CorruptFileSystemException("No ext2/3/4 superblock: the magic 0xEF53 is missing at byte 1080.");
        }

        var logBlockSize = BinaryPrimitives.ReadUInt32LittleEndian(sb[0x18..]);
        if (logBlockSize > 6)
        {
            throw new CorruptFileSystemException($"ext superblock: block size 1024 << {logBlockSize} is outside 1 KiB..64 KiB.");
        }

        var blockSize = 1024 << (int)logBlockSize;
        var incompat = (ExtIncompatFeatures)BinaryPrimitives.ReadUInt32LittleEndian(sb[0x60..]);
        var roCompat = (ExtRoCompatFeatures)BinaryPrimitives.ReadUInt32LittleEndian(sb[0x64..]);
        var unknown = incompat & ~Understood;
        if (unknown != 0)
        {
            throw new ExtFeatureNotSupportedException(
                $"ext volume uses incompatible features this reader does not implement: {unknown} (s_feature_incompat 0x{(uint)incompat:x}).");
        }

        if (roCompat.HasFlag(ExtRoCompatFeatures.MetadataChecksums))
        {
            VerifyChecksum(sb);
        }

        var revision = BinaryPrimitives.ReadUInt32LittleEndian(sb[0x4C..]);
        var inodeSize = revision == 0 ? 128 : BinaryPrimitives.ReadUInt16LittleEndian(sb[0x58..]);
        if (inodeSize < 128 || inodeSize > blockSize || !BitOperations.IsPow2(inodeSize))
        {
            throw new CorruptFileSystemException($"ext superblock: inode size {inodeSize} is not a power of two from 128 to the block size.");
        }

        var bit64 = incompat.HasFlag(ExtIncompatFeatures.Bit64);
        var descriptorSize = bit64 ? BinaryPrimitives.ReadUInt16LittleEndian(sb[0xFE..]) : 32;
        if (descriptorSize < 32 || (bit64 && descriptorSize < 64) || descriptorSize > 1024 || !BitOperations.IsPow2(descriptorSize))
        {
            throw new CorruptFileSystemException($"ext superblock: group descriptor size {descriptorSize} is invalid.");
        }

        var blocksCount = BinaryPrimitives.ReadUInt32LittleEndian(sb[0x04..]) |
            (bit64 ? (ulong)BinaryPrimitives.ReadUInt32LittleEndian(sb[0x150..]) << 32 : 0);
        var firstDataBlock = BinaryPrimitives.ReadUInt32LittleEndian(sb[0x14..]);
        var blocksPerGroup = BinaryPrimitives.ReadUInt32LittleEndian(sb[0x20..]);
        var inodesPerGroup = BinaryPrimitives.ReadUInt32LittleEndian(sb[0x28..]);
        var inodesCount = BinaryPrimitives.ReadUInt32LittleEndian(sb[0x00..]);
        if (blocksPerGroup == 0 || blocksPerGroup > 8L * blockSize * 16)
        {
            throw new CorruptFileSystemException($"ext superblock: {blocksPerGroup} blocks per group is invalid.");
        }

        if (inodesPerGroup == 0 || inodesPerGroup > 8L * blockSize)
        {
            throw new CorruptFileSystemException($"ext superblock: {inodesPerGroup} inodes per group is invalid.");
        }

        if (blocksCount <= firstDataBlock || firstDataBlock > 1 || blocksCount > (ulong)(long.MaxValue / blockSize))
        {
            throw new CorruptFileSystemException($"ext superblock: {blocksCount} blocks from block {firstDataBlock} is invalid.");
        }

        if ((long)blocksCount * blockSize > volumeLength)
        {
            throw new CorruptFileSystemException(
                $"ext file system of {blocksCount} blocks of {blockSize} bytes does not fit its volume of {volumeLength} bytes (truncated image?).");
        }

        var groupCount = (blocksCount - firstDataBlock + blocksPerGroup - 1) / blocksPerGroup;
        if (groupCount > uint.MaxValue || (ulong)inodesPerGroup * groupCount < inodesCount || inodesCount < 11)
        {
            throw new CorruptFileSystemException($"ext superblock: {inodesCount} inodes in {groupCount} groups of {inodesPerGroup} is inconsistent.");
        }

        var label = sb.Slice(0x78, 16);
        var labelLength = label.IndexOf((byte)0);
        label = labelLength >= 0 ? label[..labelLength] : label;
        return new ExtSuperblock
        {
            InodesCount = inodesCount,
            BlocksCount = blocksCount,
            FirstDataBlock = firstDataBlock,
            BlockSize = blockSize,
            BlocksPerGroup = blocksPerGroup,
            InodesPerGroup = inodesPerGroup,
            InodeSize = inodeSize,
            DescriptorSize = descriptorSize,
            FirstMetaBlockGroup = BinaryPrimitives.ReadUInt32LittleEndian(sb[0x104..]),
            GroupCount = (uint)groupCount,
            Compat = (ExtCompatFeatures)BinaryPrimitives.ReadUInt32LittleEndian(sb[0x5C..]),
            Incompat = incompat,
            RoCompat = roCompat,
            Uuid = sb.Slice(0x68, 16).ToArray(),
            Label = label.IsEmpty ? null : Encoding.UTF8.GetString(label),
            BackupGroup1 = BinaryPrimitives.ReadUInt32LittleEndian(sb[0x24C..]),
            BackupGroup2 = BinaryPrimitives.ReadUInt32LittleEndian(sb[0x250..]),
        };
    }

    /// <summary>
    /// The type as blkid names it: ext4 when any feature beyond ext3's is on, else ext3 with a journal, else ext2.
    /// </summary>
    public string TypeName
    {
        get
        {
            const ExtIncompatFeatures ext3Incompat = ExtIncompatFeatures.FileType | ExtIncompatFeatures.NeedsRecovery | ExtIncompatFeatures.MetaBlockGroups;
            const ExtRoCompatFeatures ext3RoCompat = ExtRoCompatFeatures.SparseSuper | ExtRoCompatFeatures.LargeFile | ExtRoCompatFeatures.BtreeDir;
            if ((Incompat & ~ext3Incompat) != 0 || (RoCompat & ~ext3RoCompat) != 0)
            {
                return "ext4";
            }

            return Compat.HasFlag(ExtCompatFeatures.HasJournal) ? "ext3" : "ext2";
        }
    }

    /// <summary>True when block group <paramref name="group"/> starts with a superblock backup (and descriptor copy).</summary>
    public bool GroupHasSuperblock(uint group)
    {
        if (group == 0)
        {
            return true;
        }

        if (Compat.HasFlag(ExtCompatFeatures.SparseSuper2))
        {
            return group == BackupGroup1 || group == BackupGroup2;
        }

        if (group == 1 || !RoCompat.HasFlag(ExtRoCompatFeatures.SparseSuper))
        {
            return true;
        }

        return IsPowerOf(group, 3) || IsPowerOf(group, 5) || IsPowerOf(group, 7);
    }

    private static bool IsPowerOf(uint value, uint radix)
    {
        ulong power = radix;
        while (power < value)
        {
            power *= radix;
        }

        return power == value;
    }

    // The checksum is CRC-32C over the superblock up to the checksum field, seeded with ~0 and not inverted.
    private static void VerifyChecksum(ReadOnlySpan<byte> sb)
    {
        if (sb[0x175] != 1)
        {
            throw new CorruptFileSystemException($"ext superblock: checksum type {sb[0x175]} is not CRC-32C.");
        }

        var computed = ExtCrc32C.Compute(uint.MaxValue, sb[..ChecksumOffset]);
        var stored = BinaryPrimitives.ReadUInt32LittleEndian(sb[ChecksumOffset..]);
        if (computed != stored)
        {
            throw new CorruptFileSystemException($"ext superblock checksum 0x{stored:x8} does not match its content (0x{computed:x8}).");
        }
    }
}

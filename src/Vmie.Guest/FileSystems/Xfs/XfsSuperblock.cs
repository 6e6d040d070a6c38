using System.Buffers.Binary;
using System.Numerics;
using System.Text;

namespace Vmie.Guest.FileSystems.Xfs;

/// <summary>
/// The primary superblock at byte 0 of an XFS volume (XFS Algorithms and Data Structures, "Allocation Groups",
/// "Superblocks"); every field is big-endian. Parsing checks each geometry field against its neighbours and
/// the volume's length, so later address arithmetic cannot overflow or leave the volume.
/// </summary>
internal sealed class XfsSuperblock
{
    public const int Size = 264;
    public const int MaxSectorSize = 32768;
    private const uint Magic = 0x58465342; // "XFSB"
    private const ushort VersionDirV2 = 0x2000;
    private const ushort VersionBorg = 0x4000;
    private const ushort VersionMoreBits = 0x8000;
    private const uint Features2FileType = 0x200;
    private const int CrcOffset = 0xE0;
    private const uint MaxAgCount = 1 << 20;

    private XfsSuperblock()
    {
    }

    public int Version { get; private init; }

    public int BlockSize { get; private init; }

    public int BlockLog { get; private init; }

    public int SectorSize { get; private init; }

    public ulong DataBlocks { get; private init; }

    public ulong RealtimeBlocks { get; private init; }

    public uint AgBlocks { get; private init; }

    public uint AgCount { get; private init; }

    public int AgBlockLog { get; private init; }

    public int InodeSize { get; private init; }

    public int InodesPerBlockLog { get; private init; }

    public int DirectoryBlockSize { get; private init; }

    public ulong RootInode { get; private init; }

    public byte[] Uuid { get; private init; } = [];

    public byte[] MetaUuid { get; private init; } = [];

    public string? Label { get; private init; }

    public bool HasCrc => Version == 5;

    public bool HasFileType { get; private init; }

    public bool IsAsciiCaseInsensitive { get; private init; }

    public XfsIncompatFeatures Incompat { get; private init; }

    public static bool HasMagic(ReadOnlySpan<byte> first) => first.Length >= 4 && BinaryPrimitives.ReadUInt32BigEndian(first) == Magic;

    /// <summary>Parses and checks the superblock; <paramref name="sector"/> holds at least the first <see cref="MaxSectorSize"/> bytes or the whole volume.</summary>
    public static XfsSuperblock Parse(ReadOnlySpan<byte> sector, long volumeLength)
    {
        if (!HasMagic(sector) || sector.Length < Size)
        {
            throw new CorruptFileSystemException("The volume holds no XFS superblock (magic \"XFSB\" missing).");
        }

        var versionNumber = U16(sector, 0x64);
        var version = versionNumber & 0xF;
        if (version is not (4 or 5))
        {
            throw new CorruptFileSystemException($"XFS superblock version {version}: only versions 4 and 5 exist.");
        }

        var blockSize = (int)Math.Min(U32(sector, 0x04), int.MaxValue);
        var blockLog = sector[0x78];
        CheckPowerOfTwo("block size", blockSize, blockLog, 512, 65536);
        var sectorSize = U16(sector, 0x66);
        CheckPowerOfTwo("sector size", sectorSize, sector[0x79], 512, MaxSectorSize);
        var inodeSize = U16(sector, 0x68);
        CheckPowerOfTwo("inode size", inodeSize, sector[0x7A], version == 5 ? 512 : 256, 2048);
        if (inodeSize > blockSize || U16(sector, 0x6A) != blockSize / inodeSize || 1 << sector[0x7B] != blockSize / inodeSize)
        {
            throw new CorruptFileSystemException($"XFS superblock: {U16(sector, 0x6A)} inodes per block (log {sector[0x7B]}) do not fit {inodeSize}-byte inodes in {blockSize}-byte blocks.");
        }

        var agBlocks = U32(sector, 0x54);
        var agCount = U32(sector, 0x58);
        var agBlockLog = sector[0x7C];
        if (agBlocks < 5 || agCount == 0 || agCount > MaxAgCount || agBlockLog > 31 || 1UL << agBlockLog < agBlocks || 1UL << (agBlockLog - 1) >= agBlocks)
        {
            throw new CorruptFileSystemException($"XFS superblock: {agCount} allocation groups of {agBlocks} blocks (log {agBlockLog}) is not a valid geometry.");
        }

        var dataBlocks = U64(sector, 0x08);
        if (dataBlocks == 0 || dataBlocks > (ulong)agCount * agBlocks || dataBlocks <= (ulong)(agCount - 1) * agBlocks)
        {
            throw new CorruptFileSystemException($"XFS superblock: {dataBlocks} data blocks do not fill {agCount} allocation groups of {agBlocks} blocks.");
        }

        if (dataBlocks > (ulong)long.MaxValue / (ulong)blockSize || (long)dataBlocks * blockSize > volumeLength)
        {
            throw new CorruptFileSystemException($"The XFS volume is truncated: {dataBlocks} blocks of {blockSize} bytes do not fit in its {volumeLength} bytes.");
        }

        var dirBlockLog = sector[0xC0];
        if (dirBlockLog > 16 || blockSize << dirBlockLog > 65536)
        {
            throw new CorruptFileSystemException($"XFS superblock: directory blocks of 2^{dirBlockLog} file system blocks are too large.");
        }

        var features2 = (versionNumber & VersionMoreBits) != 0 ? U32(sector, 0xC8) : 0;
        var incompat = XfsIncompatFeatures.None;
        if (version == 5)
        {
            var sectorBytes = sector[..Math.Min(sectorSize, sector.Length)];
            if (sectorBytes.Length < sectorSize || !XfsChecksum.IsValid(sectorBytes, CrcOffset))
            {
                throw new CorruptFileSystemException("XFS superblock checksum mismatch.");
            }

            incompat = (XfsIncompatFeatures)U32(sector, 0xD8);
            var unknown = (uint)(incompat & ~XfsIncompatFeatures.Known);
            if (unknown != 0)
            {
                throw new XfsFeatureNotSupportedException($"XFS incompatible features 0x{(uint)incompat:x} include 0x{unknown:x}, which this reader does not know.");
            }
        }
        else if ((versionNumber & VersionDirV2) == 0)
        {
            throw new XfsFeatureNotSupportedException("XFS version 4 without version 2 directories (pre-2002 IRIX layout) is not supported.");
        }

        var result = new XfsSuperblock
        {
            Version = version,
            BlockSize = blockSize,
            BlockLog = blockLog,
            SectorSize = sectorSize,
            DataBlocks = dataBlocks,
            RealtimeBlocks = U64(sector, 0x10),
            AgBlocks = agBlocks,
            AgCount = agCount,
            AgBlockLog = agBlockLog,
            InodeSize = inodeSize,
            InodesPerBlockLog = sector[0x7B],
            DirectoryBlockSize = blockSize << dirBlockLog,
            RootInode = U64(sector, 0x38),
            Uuid = sector.Slice(0x20, 16).ToArray(),
            MetaUuid = incompat.HasFlag(XfsIncompatFeatures.MetaUuid) ? sector.Slice(0xF8, 16).ToArray() : sector.Slice(0x20, 16).ToArray(),
            Label = ParseLabel(sector.Slice(0x6C, 12)),
            HasFileType = version == 5 ? incompat.HasFlag(XfsIncompatFeatures.FileType) : (features2 & Features2FileType) != 0,
            IsAsciiCaseInsensitive = (versionNumber & VersionBorg) != 0,
            Incompat = incompat,
        };
        if (!result.IsValidInode(result.RootInode))
        {
            throw new CorruptFileSystemException($"XFS superblock: root inode {result.RootInode} lies outside the file system.");
        }

        return result;
    }

    /// <summary>True when inode number <paramref name="inode"/> names a slot inside an allocation group's used blocks.</summary>
    public bool IsValidInode(ulong inode)
    {
        var agNumber = inode >> (AgBlockLog + InodesPerBlockLog);
        var agBlock = (inode >> InodesPerBlockLog) & ((1UL << AgBlockLog) - 1);
        return inode != 0 && agNumber < AgCount && agBlock < AgBlocks && (agNumber * AgBlocks) + agBlock < DataBlocks;
    }

    private static void CheckPowerOfTwo(string what, int value, int log, int min, int max)
    {
        if (value < min || value > max || !BitOperations.IsPow2(value) || BitOperations.Log2((uint)value) != log)
        {
            throw new CorruptFileSystemException($"XFS superblock: {what} {value} (log {log}) is not a power of two from {min} to {max}.");
        }
    }

    private static string? ParseLabel(ReadOnlySpan<byte> field)
    {
        var end = field.IndexOf((byte)0);
        var label = Encoding.UTF8.GetString(end < 0 ? field : field[..end]);
        return label.Length == 0 ? null : label;
    }

    private static ushort U16(ReadOnlySpan<byte> data, int offset) => BinaryPrimitives.ReadUInt16BigEndian(data[offset..]);

    private static uint U32(ReadOnlySpan<byte> data, int offset) => BinaryPrimitives.ReadUInt32BigEndian(data[offset..]);

    private static ulong U64(ReadOnlySpan<byte> data, int offset) => BinaryPrimitives.ReadUInt64BigEndian(data[offset..]);
}

using System.Buffers.Binary;

namespace Vmie.Guest.FileSystems.Xfs;

/// <summary>How an inode's data fork stores its content (di_format).</summary>
internal enum XfsForkFormat : byte
{
    Device = 0,
    Local = 1,
    Extents = 2,
    BTree = 3,
}

/// <summary>
/// An on-disk inode (XFS Algorithms and Data Structures, "On-disk Inode"): the v1/v2 core of 100 bytes or
/// the v3 core of 176 bytes, then the data fork up to di_forkoff (the attribute fork after it is not read).
/// </summary>
internal sealed class XfsInode
{
    public const ushort Magic = 0x494E; // "IN"
    private const int CoreSizeV2 = 100;
    private const int CoreSizeV3 = 176;
    private const int CrcOffset = 0x64;
    private const ushort RealtimeFlag = 0x1;
    private const ulong BigTimeFlag2 = 0x8;
    private const ulong LargeExtentCountFlag2 = 0x10;
    private const long BigTimeEpochOffsetSeconds = 1L << 31;

    private XfsInode()
    {
    }

    public ulong Number { get; private init; }

    public uint Mode { get; private init; }

    public XfsForkFormat Format { get; private init; }

    public long Size { get; private init; }

    public ulong ExtentCount { get; private init; }

    public bool IsRealtime { get; private init; }

    public DateTimeOffset? ModifiedTime { get; private init; }

    /// <summary>The data fork's bytes, copied out of the inode.</summary>
    public byte[] DataFork { get; private init; } = [];

    public GuestNodeKind Kind => (Mode & 0xF000) switch
    {
        0x8000 => GuestNodeKind.File,
        0x4000 => GuestNodeKind.Directory,
        0xA000 => GuestNodeKind.Symlink,
        _ => GuestNodeKind.Other,
    };

    public static XfsInode Parse(ReadOnlySpan<byte> data, ulong number, XfsSuperblock superblock)
    {
        if (BinaryPrimitives.ReadUInt16BigEndian(data) != Magic)
        {
            throw new CorruptFileSystemException($"XFS inode {number}: bad magic (\"IN\" expected).");
        }

        var version = data[4];
        if (superblock.HasCrc ? version != 3 : version is not (1 or 2))
        {
            throw new CorruptFileSystemException($"XFS inode {number}: version {version} on a version {superblock.Version} file system.");
        }

        ulong flags2 = 0;
        if (version == 3)
        {
            if (!XfsChecksum.IsValid(data, CrcOffset))
            {
                throw new CorruptFileSystemException($"XFS inode {number}: checksum mismatch.");
            }

            if (BinaryPrimitives.ReadUInt64BigEndian(data[0x98..]) != number)
            {
                throw new CorruptFileSystemException($"XFS inode {number}: the inode says it is number {BinaryPrimitives.ReadUInt64BigEndian(data[0x98..])}.");
            }

            flags2 = BinaryPrimitives.ReadUInt64BigEndian(data[0x78..]);
        }

        var coreSize = version == 3 ? CoreSizeV3 : CoreSizeV2;
        var literal = data.Length - coreSize;
        var forkOffset = data[0x52] * 8;
        if (forkOffset >= literal)
        {
            throw new CorruptFileSystemException($"XFS inode {number}: attribute fork offset {forkOffset} lies beyond the inode's {literal} literal bytes.");
        }

        var forkSize = forkOffset == 0 ? literal : forkOffset;
        var size = BinaryPrimitives.ReadInt64BigEndian(data[0x38..]);
        if (size < 0)
        {
            throw new CorruptFileSystemException($"XFS inode {number}: negative size {size}.");
        }

        var extentCount = (flags2 & LargeExtentCountFlag2) != 0
            ? BinaryPrimitives.ReadUInt64BigEndian(data[0x18..])
            : BinaryPrimitives.ReadUInt32BigEndian(data[0x4C..]);
        var format = (XfsForkFormat)data[5];
        if (format > XfsForkFormat.BTree)
        {
            throw new CorruptFileSystemException($"XFS inode {number}: unknown data fork format {(byte)format}.");
        }

        if (format == XfsForkFormat.Extents && extentCount > (ulong)(forkSize / XfsExtent.Size))
        {
            throw new CorruptFileSystemException($"XFS inode {number}: {extentCount} extents do not fit its {forkSize}-byte data fork.");
        }

        return new XfsInode
        {
            Number = number,
            Mode = BinaryPrimitives.ReadUInt16BigEndian(data[2..]),
            Format = format,
            Size = size,
            ExtentCount = extentCount,
            IsRealtime = (BinaryPrimitives.ReadUInt16BigEndian(data[0x5A..]) & RealtimeFlag) != 0,
            ModifiedTime = ParseTime(data[0x28..], (flags2 & BigTimeFlag2) != 0),
            DataFork = data.Slice(coreSize, forkSize).ToArray(),
        };
    }

    private static DateTimeOffset? ParseTime(ReadOnlySpan<byte> field, bool bigTime)
    {
        long seconds;
        long nanoseconds;
        if (bigTime)
        {
            var total = BinaryPrimitives.ReadUInt64BigEndian(field);
            seconds = (long)(total / 1_000_000_000) - BigTimeEpochOffsetSeconds;
            nanoseconds = (long)(total % 1_000_000_000);
        }
        else
        {
            seconds = BinaryPrimitives.ReadInt32BigEndian(field);
            nanoseconds = BinaryPrimitives.ReadUInt32BigEndian(field[4..]);
            if (nanoseconds >= 1_000_000_000)
            {
                return null;
            }
        }

        return DateTimeOffset.FromUnixTimeSeconds(seconds).AddTicks(nanoseconds / 100);
    }
}

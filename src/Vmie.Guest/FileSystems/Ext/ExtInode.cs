using System.Buffers.Binary;

namespace Vmie.Guest.FileSystems.Ext;

/// <summary>
/// The parts of an inode record a reader needs (ext4 disk layout, "Inode Table": i_mode at 0x0, i_size_lo
/// at 0x4, i_mtime at 0x10, i_blocks_lo at 0x1C, i_flags at 0x20, i_block[60] at 0x28, i_file_acl_lo at
/// 0x68, i_size_high at 0x6C, i_extra_isize at 0x80, i_mtime_extra at 0x88; in-inode extended attributes
/// after the extra fields).
/// </summary>
internal sealed class ExtInode
{
    public const int BlockAreaSize = 60;

    public const uint ExtentsFlag = 0x80000;
    public const uint InlineDataFlag = 0x10000000;
    public const uint EncryptedFlag = 0x800;
    public const uint CaseFoldFlag = 0x40000000;

    private ExtInode()
    {
    }

    public uint Number { get; private init; }

    public ushort Mode { get; private init; }

    public GuestNodeKind Kind { get; private init; }

    public long Size { get; private init; }

    public uint Flags { get; private init; }

    /// <summary>i_blocks (512-byte units, or blocks with the huge_file flag): only ever compared with 0.</summary>
    public ulong BlockCount { get; private init; }

    public ulong FileAcl { get; private init; }

    public byte[] BlockArea { get; private init; } = [];

    /// <summary>The in-inode extended attribute area (after i_extra_isize), kept only for inline data.</summary>
    public byte[] ExtraArea { get; private init; } = [];

    public DateTimeOffset ModifiedTime { get; private init; }

    public bool HasFlag(uint flag) => (Flags & flag) != 0;

    public static ExtInode Parse(uint number, ReadOnlySpan<byte> record, ExtSuperblock sb)
    {
        var mode = BinaryPrimitives.ReadUInt16LittleEndian(record);
        var kind = (mode & 0xF000) switch
        {
            0x8000 => GuestNodeKind.File,
            0x4000 => GuestNodeKind.Directory,
            0xA000 => GuestNodeKind.Symlink,
            0x1000 or 0x2000 or 0x6000 or 0xC000 => GuestNodeKind.Other,
            _ => throw new CorruptFileSystemException($"ext inode {number}: mode 0x{mode:x4} names no file type (a free inode?)."),
        };

        var sizeHigh = BinaryPrimitives.ReadUInt32LittleEndian(record[0x6C..]);
        if (sizeHigh > int.MaxValue)
        {
            throw new CorruptFileSystemException($"ext inode {number}: size high word 0x{sizeHigh:x8} is negative.");
        }

        var size = ((long)sizeHigh << 32) | BinaryPrimitives.ReadUInt32LittleEndian(record[0x04..]);
        var flags = BinaryPrimitives.ReadUInt32LittleEndian(record[0x20..]);
        var blockCount = BinaryPrimitives.ReadUInt32LittleEndian(record[0x1C..]) | ((ulong)BinaryPrimitives.ReadUInt16LittleEndian(record[0x74..]) << 32);
        var fileAcl = BinaryPrimitives.ReadUInt32LittleEndian(record[0x68..]) | ((ulong)BinaryPrimitives.ReadUInt16LittleEndian(record[0x76..]) << 32);

        long seconds = BinaryPrimitives.ReadInt32LittleEndian(record[0x10..]);
        var extraSize = 0;
        if (sb.InodeSize > 128)
        {
            extraSize = BinaryPrimitives.ReadUInt16LittleEndian(record[0x80..]);
            if (extraSize > sb.InodeSize - 128 || extraSize % 4 != 0)
            {
                throw new CorruptFileSystemException($"ext inode {number}: i_extra_isize {extraSize} does not fit a {sb.InodeSize}-byte inode.");
            }
        }

        var nanoseconds = 0L;
        if (extraSize >= 0x8C - 0x80)
        {
            // i_mtime_extra: two epoch bits extend the seconds past 2038, the other 30 are nanoseconds.
            var extra = BinaryPrimitives.ReadUInt32LittleEndian(record[0x88..]);
            seconds += (long)(extra & 3) << 32;
            nanoseconds = extra >> 2;
        }

        var inline = (flags & InlineDataFlag) != 0;
        return new ExtInode
        {
            Number = number,
            Mode = mode,
            Kind = kind,
            Size = size,
            Flags = flags,
            BlockCount = blockCount,
            FileAcl = fileAcl,
            BlockArea = record.Slice(0x28, BlockAreaSize).ToArray(),
            ExtraArea = inline && sb.InodeSize > 128 ? record[(128 + extraSize)..].ToArray() : [],
            ModifiedTime = DateTimeOffset.FromUnixTimeSeconds(seconds).AddTicks(Math.Min(nanoseconds, 999_999_999) / 100),
        };
    }
}

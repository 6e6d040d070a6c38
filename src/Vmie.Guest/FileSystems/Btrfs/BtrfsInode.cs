using System.Buffers.Binary;

namespace Vmie.Guest.FileSystems.Btrfs;

/// <summary>
/// An INODE_ITEM (Btrfs on-disk format, "INODE_ITEM (1)"): 160 bytes; this reader keeps size, mode, flags and
/// the modification time (a timespec of u64 seconds and u32 nanoseconds at byte 136).
/// </summary>
internal sealed record BtrfsInode(ulong Tree, ulong Number, long Size, uint Mode, ulong Flags, DateTimeOffset ModifiedTime)
{
    public const int ItemSize = 160;

    public GuestNodeKind Kind => (Mode & 0xF000) switch
    {
        0x8000 => GuestNodeKind.File,
        0x4000 => GuestNodeKind.Directory,
        0xA000 => GuestNodeKind.Symlink,
        _ => GuestNodeKind.Other,
    };

    public static BtrfsInode Parse(ulong tree, ulong number, ReadOnlySpan<byte> item)
    {
        if (item.Length < ItemSize)
        {
            throw new CorruptFileSystemException($"Btrfs inode {number} in tree {tree}: item of {item.Length} bytes (expected {ItemSize}).");
        }

        var size = BinaryPrimitives.ReadUInt64LittleEndian(item[16..]);
        if (size > long.MaxValue)
        {
            throw new CorruptFileSystemException($"Btrfs inode {number} in tree {tree}: size {size}.");
        }

        var seconds = (long)BinaryPrimitives.ReadUInt64LittleEndian(item[136..]);
        var nanoseconds = BinaryPrimitives.ReadUInt32LittleEndian(item[144..]);
        var modified = seconds is >= -62135596800 and <= 253402300799 && nanoseconds < 1_000_000_000
            ? DateTimeOffset.FromUnixTimeSeconds(seconds).AddTicks(nanoseconds / 100)
            : DateTimeOffset.UnixEpoch;
        return new BtrfsInode(tree, number, (long)size, BinaryPrimitives.ReadUInt32LittleEndian(item[52..]), BinaryPrimitives.ReadUInt64LittleEndian(item[64..]), modified);
    }
}

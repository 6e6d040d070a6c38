using System.Buffers.Binary;

namespace Vmie.Guest.FileSystems.Btrfs;

/// <summary>
/// A ROOT_ITEM (Btrfs on-disk format, "ROOT_ITEM (132)"): an inode item (160 bytes), then generation, root_dirid,
/// bytenr, byte_limit, bytes_used, last_snapshot, flags, refs, drop_progress, drop_level, level.
/// </summary>
internal static class BtrfsRootItem
{
    private const int MinSize = 239;

    public static (BtrfsTreeRoot Root, ulong RootDirectory) Parse(ulong id, ReadOnlySpan<byte> item, BtrfsSuperblock superblock)
    {
        if (item.Length < MinSize)
        {
            throw new CorruptFileSystemException($"Btrfs root item of tree {id}: {item.Length} bytes (at least {MinSize}).");
        }

        var generation = BinaryPrimitives.ReadUInt64LittleEndian(item[160..]);
        var rootDirectory = BinaryPrimitives.ReadUInt64LittleEndian(item[168..]);
        var bytenr = BinaryPrimitives.ReadUInt64LittleEndian(item[176..]);
        var level = item[238];
        if (level > BtrfsSuperblock.MaxLevel || generation > superblock.Generation || bytenr == 0)
        {
            throw new CorruptFileSystemException($"Btrfs root item of tree {id}: block {bytenr}, level {level}, generation {generation}.");
        }

        return (new BtrfsTreeRoot(id, bytenr, level, generation), rootDirectory);
    }
}

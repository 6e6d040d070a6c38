using System.Buffers.Binary;

namespace Vmie.Guest.FileSystems.Btrfs;

/// <summary>
/// One entry of a DIR_ITEM or DIR_INDEX item (Btrfs on-disk format, "DIR_ITEM (84)"): the location key of the
/// inode (or of a subvolume's ROOT_ITEM), transid, data_len, name_len, type, then the name and data_len bytes of
/// data. A DIR_ITEM may pack several entries whose names share a hash.
/// </summary>
internal sealed record BtrfsDirEntry(BtrfsKey Location, byte FileType, byte[] Name)
{
    public const int HeaderSize = 30;
    public const int MaxNameLength = 255;

    public static List<BtrfsDirEntry> ParseAll(ReadOnlySpan<byte> item, BtrfsKey key)
    {
        var entries = new List<BtrfsDirEntry>();
        while (!item.IsEmpty)
        {
            if (item.Length < HeaderSize)
            {
                throw new CorruptFileSystemException($"Btrfs directory item {key}: an entry header runs past the item.");
            }

            var dataLength = BinaryPrimitives.ReadUInt16LittleEndian(item[25..]);
            var nameLength = BinaryPrimitives.ReadUInt16LittleEndian(item[27..]);
            if (nameLength is 0 or > MaxNameLength || HeaderSize + nameLength + dataLength > item.Length)
            {
                throw new CorruptFileSystemException($"Btrfs directory item {key}: a name of {nameLength} bytes and {dataLength} data bytes do not fit the item.");
            }

            entries.Add(new BtrfsDirEntry(BtrfsKey.Read(item), item[29], item.Slice(HeaderSize, nameLength).ToArray()));
            item = item[(HeaderSize + nameLength + dataLength)..];
        }

        return entries;
    }
}

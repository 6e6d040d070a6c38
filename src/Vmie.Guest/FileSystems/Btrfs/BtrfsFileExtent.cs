using System.Buffers.Binary;

namespace Vmie.Guest.FileSystems.Btrfs;

/// <summary>
/// An EXTENT_DATA item (Btrfs on-disk format, "EXTENT_DATA (108)"): generation, ram_bytes, compression,
/// encryption, other_encoding, type; an inline extent's data follows at byte 21, a regular or preallocated one
/// names disk_bytenr, disk_num_bytes, offset and num_bytes. The key's offset is the file offset.
/// </summary>
internal sealed record BtrfsFileExtent(
    ulong FileOffset, byte Type, byte Compression, ulong RamBytes, ulong DiskBytenr, ulong DiskNumBytes, ulong Offset, ulong NumBytes, ReadOnlyMemory<byte> Inline)
{
    public const byte InlineType = 0;
    public const byte RegularType = 1;
    public const byte PreallocType = 2;

    private const int InlineDataStart = 21;
    private const int RegularSize = 53;

    /// <summary>File bytes this extent covers from <see cref="FileOffset"/>.</summary>
    public ulong Length => Type == InlineType ? RamBytes : NumBytes;

    public static BtrfsFileExtent Parse(BtrfsItem item, ulong inode)
    {
        var data = item.Data.Span;
        if (data.Length < InlineDataStart)
        {
            throw new CorruptFileSystemException($"Btrfs inode {inode}: extent item of {data.Length} bytes.");
        }

        var ramBytes = BinaryPrimitives.ReadUInt64LittleEndian(data[8..]);
        var compression = data[16];
        var type = data[20];
        if (data[17] != 0 || BinaryPrimitives.ReadUInt16LittleEndian(data[18..]) != 0)
        {
            throw new BtrfsNotSupportedException($"Btrfs inode {inode}: the extent at file offset {item.Key.Offset} is encrypted or encoded; vmie cannot read it.");
        }

        if (type == InlineType)
        {
            return new BtrfsFileExtent(item.Key.Offset, type, compression, ramBytes, 0, 0, 0, ramBytes, item.Data[InlineDataStart..]);
        }

        if (type is not (RegularType or PreallocType) || data.Length < RegularSize)
        {
            throw new CorruptFileSystemException($"Btrfs inode {inode}: extent at file offset {item.Key.Offset} has type {type} and {data.Length} bytes.");
        }

        var extent = new BtrfsFileExtent(
            item.Key.Offset,
            type,
            compression,
            ramBytes,
            BinaryPrimitives.ReadUInt64LittleEndian(data[21..]),
            BinaryPrimitives.ReadUInt64LittleEndian(data[29..]),
            BinaryPrimitives.ReadUInt64LittleEndian(data[37..]),
            BinaryPrimitives.ReadUInt64LittleEndian(data[45..]),
            ReadOnlyMemory<byte>.Empty);
        if (extent.NumBytes > long.MaxValue || extent.FileOffset > long.MaxValue - extent.NumBytes || extent.DiskBytenr > ulong.MaxValue - extent.DiskNumBytes)
        {
            throw new CorruptFileSystemException($"Btrfs inode {inode}: extent at file offset {item.Key.Offset} covers {extent.NumBytes} bytes, beyond any file.");
        }

        return extent;
    }
}

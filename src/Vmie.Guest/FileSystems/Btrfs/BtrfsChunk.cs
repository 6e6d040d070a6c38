using System.Buffers.Binary;

namespace Vmie.Guest.FileSystems.Btrfs;

/// <summary>
/// One chunk (Btrfs on-disk format, "CHUNK_ITEM" in the system chunk array and the chunk tree): a logical range
/// and where this device holds it. Single and DUP chunks are read from their first stripe on this device;
/// RAID profiles are kept so that a read into them fails clearly.
/// </summary>
internal sealed record BtrfsChunk(ulong Logical, ulong Length, ulong Flags, ulong Physical)
{
    /// <summary>chunk item header: length, owner, stripe_len, type, io_align, io_width, sector_size, num_stripes, sub_stripes.</summary>
    public const int HeaderSize = 48;
    public const int StripeSize = 32;

    private const ulong Dup = 0x20;
    private const ulong RaidProfiles = 0x08 | 0x10 | 0x40 | 0x80 | 0x100 | 0x200 | 0x400;

    public bool IsRaid => (Flags & RaidProfiles) != 0;

    public string Profile => (Flags & RaidProfiles) switch
    {
        0 => (Flags & Dup) != 0 ? "DUP" : "single",
        0x08 => "RAID0",
        0x10 => "RAID1",
        0x40 => "RAID10",
        0x80 => "RAID5",
        0x100 => "RAID6",
        0x200 => "RAID1C3",
        0x400 => "RAID1C4",
        _ => $"profile 0x{Flags & RaidProfiles:x}",
    };

    /// <summary>Bytes a chunk item takes: its header and its stripes.</summary>
    public static int ItemSize(ReadOnlySpan<byte> item)
    {
        if (item.Length < HeaderSize)
        {
            throw new CorruptFileSystemException($"Btrfs chunk item of {item.Length} bytes is shorter than its header.");
        }

        var stripes = BinaryPrimitives.ReadUInt16LittleEndian(item[44..]);
        if (stripes == 0)
        {
            throw new CorruptFileSystemException("Btrfs chunk item with no stripes.");
        }

        return HeaderSize + (stripes * StripeSize);
    }

    public static BtrfsChunk Parse(BtrfsKey key, ReadOnlySpan<byte> item, ulong deviceId, long volumeLength, uint sectorSize)
    {
        var size = ItemSize(item);
        if (item.Length < size)
        {
            throw new CorruptFileSystemException($"Btrfs chunk at {key.Offset}: its stripes run past the item.");
        }

        var length = BinaryPrimitives.ReadUInt64LittleEndian(item);
        var flags = BinaryPrimitives.ReadUInt64LittleEndian(item[24..]);
        if (key.Type != BtrfsKey.ChunkItem || length == 0 || length % sectorSize != 0 || key.Offset % sectorSize != 0 || key.Offset > ulong.MaxValue - length)
        {
            throw new CorruptFileSystemException($"Btrfs chunk {key}: length {length} is not a sane sector-aligned range.");
        }

        var stripes = BinaryPrimitives.ReadUInt16LittleEndian(item[44..]);
        ulong? physical = null;
        for (var i = 0; i < stripes; i++)
        {
            var stripe = item.Slice(HeaderSize + (i * StripeSize), StripeSize);
            if (BinaryPrimitives.ReadUInt64LittleEndian(stripe) == deviceId)
            {
                physical = BinaryPrimitives.ReadUInt64LittleEndian(stripe[8..]);
                break;
            }
        }

        if (physical is not { } start)
        {
            throw new BtrfsNotSupportedException($"Btrfs chunk at logical {key.Offset} has no stripe on this device (id {deviceId}): it lives on another device.");
        }

        var chunk = new BtrfsChunk(key.Offset, length, flags, start);
        // A RAID chunk's stripes hold only part of its length each: its own extent on the device is not checked here.
        if (!chunk.IsRaid && (start > (ulong)volumeLength || length > (ulong)volumeLength - start))
        {
            throw new CorruptFileSystemException($"Btrfs chunk at logical {key.Offset} maps {length} bytes to device byte {start}, outside the {volumeLength}-byte volume.");
        }

        return chunk;
    }
}

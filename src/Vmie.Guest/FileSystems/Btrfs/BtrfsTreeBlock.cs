using System.Buffers.Binary;

namespace Vmie.Guest.FileSystems.Btrfs;

/// <summary>
/// A checked tree block (Btrfs on-disk format, "Tree blocks"): a 101-byte header (checksum, fsid, bytenr, flags,
/// chunk tree uuid, generation, owner, nritems, level), then in a leaf 25-byte item headers whose data grows
/// from the block's end, in a node 33-byte key pointers. Parsing verifies the checksum, the address and fsid it
/// claims, its generation, that keys strictly ascend and that every item lies inside the block.
/// </summary>
internal sealed class BtrfsTreeBlock
{
    public const int HeaderSize = 101;
    public const int ItemHeaderSize = 25;
    public const int KeyPointerSize = 33;

    private readonly byte[] _data;

    private BtrfsTreeBlock(byte[] data, ulong logical)
    {
        _data = data;
        Logical = logical;
        Generation = BinaryPrimitives.ReadUInt64LittleEndian(data.AsSpan(0x50));
        Count = (int)Math.Min(BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(0x60)), int.MaxValue);
        Level = data[0x64];
    }

    public ulong Logical { get; }

    public ulong Generation { get; }

    public int Count { get; }

    public byte Level { get; }

    public bool IsLeaf => Level == 0;

    public static BtrfsTreeBlock Parse(byte[] data, ulong logical, BtrfsSuperblock superblock)
    {
        if (!BtrfsChecksum.Matches(superblock.ChecksumType, data))
        {
            throw new CorruptFileSystemException($"Btrfs tree block at {logical}: {BtrfsChecksum.Name(superblock.ChecksumType)} checksum mismatch.");
        }

        if (!data.AsSpan(0x20, 16).SequenceEqual(superblock.MetadataUuid))
        {
            throw new CorruptFileSystemException($"Btrfs tree block at {logical} belongs to another file system (fsid differs).");
        }

        var block = new BtrfsTreeBlock(data, logical);
        var bytenr = BinaryPrimitives.ReadUInt64LittleEndian(data.AsSpan(0x30));
        if (bytenr != logical)
        {
            throw new CorruptFileSystemException($"Btrfs tree block at {logical} says it lies at {bytenr}.");
        }

        if (block.Generation > superblock.Generation)
        {
            throw new CorruptFileSystemException($"Btrfs tree block at {logical}: generation {block.Generation} is newer than the superblock's {superblock.Generation}.");
        }

        if (block.Level > BtrfsSuperblock.MaxLevel)
        {
            throw new CorruptFileSystemException($"Btrfs tree block at {logical}: level {block.Level} (at most {BtrfsSuperblock.MaxLevel}).");
        }

        block.CheckLayout();
        return block;
    }

    public BtrfsKey KeyAt(int index) => BtrfsKey.Read(_data.AsSpan(HeaderSize + (index * (IsLeaf ? ItemHeaderSize : KeyPointerSize))));

    public ReadOnlyMemory<byte> ItemData(int index)
    {
        var header = _data.AsSpan(HeaderSize + (index * ItemHeaderSize) + BtrfsKey.Size);
        var offset = (int)BinaryPrimitives.ReadUInt32LittleEndian(header);
        var size = (int)BinaryPrimitives.ReadUInt32LittleEndian(header[4..]);
        return _data.AsMemory(HeaderSize + offset, size);
    }

    public (ulong Bytenr, ulong Generation) ChildAt(int index)
    {
        var pointer = _data.AsSpan(HeaderSize + (index * KeyPointerSize) + BtrfsKey.Size);
        return (BinaryPrimitives.ReadUInt64LittleEndian(pointer), BinaryPrimitives.ReadUInt64LittleEndian(pointer[8..]));
    }

    private void CheckLayout()
    {
        var entrySize = IsLeaf ? ItemHeaderSize : KeyPointerSize;
        var room = (_data.Length - HeaderSize) / entrySize;
        if (Count > room || (!IsLeaf && Count == 0))
        {
            throw new CorruptFileSystemException($"Btrfs tree block at {Logical}: {Count} entries in a level-{Level} block with room for {room}.");
        }

        var headersEnd = (long)Count * entrySize;
        for (var i = 0; i < Count; i++)
        {
            if (i > 0 && KeyAt(i) <= KeyAt(i - 1))
            {
                throw new CorruptFileSystemException($"Btrfs tree block at {Logical}: key {KeyAt(i)} does not follow {KeyAt(i - 1)} (keys out of order).");
            }

            if (IsLeaf)
            {
                var header = _data.AsSpan(HeaderSize + (i * ItemHeaderSize) + BtrfsKey.Size);
                var offset = (long)BinaryPrimitives.ReadUInt32LittleEndian(header);
                var size = (long)BinaryPrimitives.ReadUInt32LittleEndian(header[4..]);
                if (offset < headersEnd || offset + size > _data.Length - HeaderSize)
                {
                    throw new CorruptFileSystemException($"Btrfs leaf at {Logical}: item {i} data [{offset}, +{size}) lies outside the leaf's data area.");
                }
            }
        }
    }
}

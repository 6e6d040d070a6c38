using System.Buffers.Binary;

namespace Vmie.Guest.FileSystems.Ext;

/// <summary>
/// Maps a file's logical blocks through the ext2/3 block map (ext4 disk layout, "Direct/Indirect Block
/// Addressing": i_block[0..11] point at data, i_block[12] at a block of pointers, [13] at a block of those,
/// [14] one level deeper; a zero pointer is a hole as large as everything below it). Runs of consecutive
/// pointers are merged so large files read in large pieces.
/// </summary>
internal static class ExtIndirectBlockMap
{
    private const int DirectPointers = 12;

    public static async ValueTask<ExtBlockRun> MapAsync(ExtVolume volume, ExtInode inode, ulong logical, CancellationToken cancellationToken)
    {
        if (logical < DirectPointers)
        {
            return Merge(volume, inode, inode.BlockArea.AsSpan(0, DirectPointers * 4), (int)logical);
        }

        ulong perBlock = (ulong)volume.BlockSize / 4;
        var remaining = logical - DirectPointers;
        var cover = perBlock;
        for (var level = 1; level <= 3; level++)
        {
            if (remaining < cover)
            {
                ulong pointer = BinaryPrimitives.ReadUInt32LittleEndian(inode.BlockArea.AsSpan((DirectPointers - 1 + level) * 4));
                return await WalkAsync(volume, inode, pointer, cover, remaining, perBlock, cancellationToken).ConfigureAwait(false);
            }

            remaining -= cover;
            cover *= perBlock;
        }

        return ExtBlockRun.Zeros(ulong.MaxValue - logical);
    }

    private static async ValueTask<ExtBlockRun> WalkAsync(ExtVolume volume, ExtInode inode, ulong pointer, ulong cover, ulong index, ulong perBlock, CancellationToken cancellationToken)
    {
        // cover: data blocks reachable below pointer; index: the wanted one among them. At most three levels.
        while (true)
        {
            if (pointer == 0)
            {
                return ExtBlockRun.Zeros(cover - index);
            }

            var block = await volume.ReadBlockAsync(pointer, $"block map of inode {inode.Number}", cancellationToken).ConfigureAwait(false);
            var entryCover = cover / perBlock;
            var slot = (int)(index / entryCover);
            if (entryCover == 1)
            {
                return Merge(volume, inode, block, slot);
            }

            pointer = BinaryPrimitives.ReadUInt32LittleEndian(block.AsSpan(slot * 4));
            index %= entryCover;
            cover = entryCover;
        }
    }

    private static ExtBlockRun Merge(ExtVolume volume, ExtInode inode, ReadOnlySpan<byte> pointers, int slot)
    {
        var count = pointers.Length / 4;
        ulong first = BinaryPrimitives.ReadUInt32LittleEndian(pointers[(slot * 4)..]);
        var length = 1UL;
        while (slot + (int)length < count)
        {
            ulong next = BinaryPrimitives.ReadUInt32LittleEndian(pointers[((slot + (int)length) * 4)..]);
            if (first == 0 ? next != 0 : next != first + length)
            {
                break;
            }

            length++;
        }

        if (first == 0)
        {
            return ExtBlockRun.Zeros(length);
        }

        volume.CheckRange(first, length, $"block map of inode {inode.Number}");
        return new ExtBlockRun(first, length, false);
    }
}

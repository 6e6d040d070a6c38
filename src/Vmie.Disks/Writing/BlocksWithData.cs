using System.Collections;
using Vmie.Disks.Abstractions;

namespace Vmie.Disks.Writing;

/// <summary>
/// The first pass of the sequential writers whose block table precedes the blocks (dynamic VHD, dynamic
/// VHDX): which fixed-size blocks of a disk hold a non-zero byte. Only the disk's allocated extents are read,
/// and a block is left as soon as one non-zero byte is seen; memory is one bit per block plus the buffer.
/// </summary>
internal static class BlocksWithData
{
    /// <summary>One bit per block of <paramref name="blockSize"/> bytes: set when the block holds a non-zero byte.</summary>
    public static async Task<BitArray> FindAsync(IVirtualDisk disk, long blockSize, int blockCount, byte[] buffer, CancellationToken cancellationToken)
    {
        var used = new BitArray(blockCount);
        await foreach (var extent in disk.GetAllocatedExtentsAsync(cancellationToken).ConfigureAwait(false))
        {
            var position = extent.Offset;
            while (position < extent.End)
            {
                var block = (int)(position / blockSize);
                var blockEnd = Math.Min((block + 1) * blockSize, extent.End);
                if (used[block])
                {
                    position = blockEnd;
                    continue;
                }

                var length = (int)Math.Min(buffer.Length, blockEnd - position);
                var read = await disk.ReadAsync(position, buffer.AsMemory(0, length), cancellationToken).ConfigureAwait(false);
                if (read != length)
                {
                    throw new EndOfStreamException($"The source disk returned {read} bytes at {position} where {length} were expected.");
                }

                if (buffer.AsSpan(0, length).ContainsAnyExcept((byte)0))
                {
                    used[block] = true;
                    position = blockEnd;
                }
                else
                {
                    position += length;
                }
            }
        }

        return used;
    }

    public static long Count(BitArray used)
    {
        long count = 0;
        for (var i = 0; i < used.Length; i++)
        {
            count += used[i] ? 1 : 0;
        }

        return count;
    }
}

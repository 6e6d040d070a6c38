using System.Collections;
using System.Runtime.CompilerServices;
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

    /// <summary>The blocks with a bit set in <paramref name="used"/>, ascending.</summary>
    public static async IAsyncEnumerable<long> ListAsync(BitArray used)
    {
        await Task.CompletedTask.ConfigureAwait(false);
        for (var block = 0; block < used.Length; block++)
        {
            if (used[block])
            {
                yield return block;
            }
        }
    }

    /// <summary>
    /// The blocks of <paramref name="blockSize"/> bytes that an allocated extent of the disk touches, ascending:
    /// the only ones that may hold data (the one-pass writers read them whole and skip those that are all zeros).
    /// </summary>
    public static async IAsyncEnumerable<long> TouchedAsync(IVirtualDisk disk, long blockSize, long blockCount, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var next = 0L;
        await foreach (var extent in disk.GetAllocatedExtentsAsync(cancellationToken).ConfigureAwait(false))
        {
            if (extent.Length <= 0)
            {
                continue;
            }

            var last = Math.Min((extent.End - 1) / blockSize, blockCount - 1);
            for (var block = Math.Max(next, extent.Offset / blockSize); block <= last; block++)
            {
                yield return block;
            }

            next = Math.Max(next, last + 1);
        }
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

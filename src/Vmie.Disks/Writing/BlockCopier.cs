using Vmie.Disks.Abstractions;

namespace Vmie.Disks.Writing;

/// <summary>
/// The data step of the block writers (dynamic VHD, dynamic VHDX): each listed block, whole, written
/// back to back to the output (after a per-block prefix such as a VHD sector bitmap), read ahead so reads
/// overlap writes. Blocks holding only zeros may be left out, which the writer learns as it goes.
/// </summary>
internal static class BlockCopier
{
    /// <summary>
    /// Copies the blocks of <paramref name="blocks"/> (ascending) to <paramref name="output"/>.
    /// <paramref name="writing"/> is told of each block about to be written, in order (it may refuse by
    /// throwing); <paramref name="done"/> of each block visited, written or not.
    /// </summary>
    /// <param name="prefix">Written before each block; at most <see cref="BlockReadAhead.Headroom"/> bytes.</param>
    /// <param name="skipZeroBlocks">Leave out blocks whose bytes are all zero (they are not told to <paramref name="writing"/>).</param>
    public static async Task CopyAsync(
        IVirtualDisk disk,
        IAsyncEnumerable<long> blocks,
        long blockSize,
        ReadOnlyMemory<byte> prefix,
        bool skipZeroBlocks,
        Stream output,
        Action<long> writing,
        Action<long>? done,
        CancellationToken cancellationToken)
    {
        if (prefix.Length > BlockReadAhead.Headroom)
        {
            throw new ArgumentException($"A block prefix of {prefix.Length} bytes exceeds the {BlockReadAhead.Headroom} bytes kept for it.", nameof(prefix));
        }

        var current = -1L;
        var started = false;
        long zerosHeld = 0;
        await foreach (var chunk in BlockReadAhead.ReadAsync(disk, blocks, blockSize, cancellationToken).ConfigureAwait(false))
        {
            if (chunk.Block != current)
            {
                current = chunk.Block;
                started = false;
                zerosHeld = 0;
            }

            if (!started && skipZeroBlocks && !chunk.HasData)
            {
                // Not known yet whether this block is written at all: hold its leading zeros back.
                zerosHeld += chunk.Length;
            }
            else
            {
                var data = chunk.Data;
                if (!started)
                {
                    writing(current);
                    started = true;
                    if (zerosHeld > 0)
                    {
                        await output.WriteAsync(prefix, cancellationToken).ConfigureAwait(false);
                        await SequentialOutput.WriteZerosAsync(output, zerosHeld, cancellationToken).ConfigureAwait(false);
                    }
                    else
                    {
                        data = chunk.After(prefix.Span);
                    }
                }

                await output.WriteAsync(data, cancellationToken).ConfigureAwait(false);
            }

            if (chunk.Offset + chunk.Length == (current + 1) * blockSize)
            {
                done?.Invoke(current);
            }
        }
    }
}

using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Vmie.Disks.Abstractions;

namespace Vmie.Disks.Writing;

/// <summary>
/// A piece of a block read ahead: its place on the disk, its bytes (at <see cref="BlockReadAhead.Headroom"/>
/// in <see cref="Buffer"/>), and whether any of them is non-zero.
/// </summary>
internal readonly record struct BlockChunk(long Block, long Offset, byte[] Buffer, int Length, bool HasData)
{
    public ReadOnlyMemory<byte> Data => Buffer.AsMemory(BlockReadAhead.Headroom, Length);

    /// <summary>The chunk's bytes after <paramref name="prefix"/> (at most <see cref="BlockReadAhead.Headroom"/> bytes), so both go out in one write.</summary>
    public ReadOnlyMemory<byte> After(ReadOnlySpan<byte> prefix)
    {
        var start = BlockReadAhead.Headroom - prefix.Length;
        prefix.CopyTo(Buffer.AsSpan(start));
        return Buffer.AsMemory(start, prefix.Length + Length);
    }
}

/// <summary>
/// Reads whole blocks of a disk, in the order given, on a background task that stays a few chunks ahead of the
/// writer, so the next read overlaps the current write. Past the disk's capacity a block reads as zeros.
/// Memory is a fixed set of chunk buffers (<see cref="Depth"/> of them), whatever the disk or block size.
/// </summary>
internal static class BlockReadAhead
{
    public const int MaxChunkSize = 4 << 20;
    public const int Depth = 4;

    /// <summary>Room before each chunk's bytes for a per-block prefix (a VHD sector bitmap is at most 64 KiB).</summary>
    public const int Headroom = 64 * 1024;

    /// <summary>
    /// The chunks of every block in <paramref name="blocks"/> (ascending block indices), in order. The consumer
    /// must be done with a chunk's buffer before asking for the next chunk: the buffer is reused then.
    /// </summary>
    public static async IAsyncEnumerable<BlockChunk> ReadAsync(IVirtualDisk disk, IAsyncEnumerable<long> blocks, long blockSize, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var chunkSize = (int)Math.Min(blockSize, MaxChunkSize);
        var ready = Channel.CreateBounded<BlockChunk>(new BoundedChannelOptions(Depth - 1) { SingleReader = true, SingleWriter = true });
        var free = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        for (var i = 0; i < Depth; i++)
        {
            free.Writer.TryWrite(GC.AllocateUninitializedArray<byte>(Headroom + chunkSize));
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var producer = Task.Run(() => ProduceAsync(disk, blocks, blockSize, chunkSize, ready.Writer, free.Reader, stop.Token), stop.Token);
        try
        {
            byte[]? lent = null;
            await foreach (var chunk in ready.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                if (lent is not null)
                {
                    free.Writer.TryWrite(lent);
                }

                lent = chunk.Buffer;
                yield return chunk;
            }

            // The channel completes with the producer's error, if any; awaiting it surfaces that error here.
            await producer.ConfigureAwait(false);
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            try
            {
                await producer.ConfigureAwait(false);
            }
            catch (Exception) when (stop.IsCancellationRequested)
            {
                // The reader stopped early (or failed); the producer's own error, if any, is not the one to report.
            }
        }
    }

    private static async Task ProduceAsync(IVirtualDisk disk, IAsyncEnumerable<long> blocks, long blockSize, int chunkSize, ChannelWriter<BlockChunk> ready, ChannelReader<byte[]> free, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var block in blocks.WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                var blockStart = block * blockSize;
                for (long done = 0; done < blockSize; done += chunkSize)
                {
                    var buffer = await free.ReadAsync(cancellationToken).ConfigureAwait(false);
                    var offset = blockStart + done;
                    var wanted = (int)Math.Clamp(disk.Capacity - offset, 0, chunkSize);
                    var data = buffer.AsMemory(Headroom, chunkSize);
                    var read = wanted == 0 ? 0 : await disk.ReadAsync(offset, data[..wanted], cancellationToken).ConfigureAwait(false);
                    if (read != wanted)
                    {
                        throw new EndOfStreamException($"The source disk returned {read} bytes at {offset} where {wanted} were expected.");
                    }

                    data.Span[wanted..].Clear();
                    var hasData = data.Span[..wanted].ContainsAnyExcept((byte)0);
                    await ready.WriteAsync(new BlockChunk(block, offset, buffer, chunkSize, hasData), cancellationToken).ConfigureAwait(false);
                }
            }

            ready.Complete();
        }
        catch (Exception e)
        {
            ready.Complete(e);
            throw;
        }
    }
}

using System.Buffers;
using Vmie.Disks.Abstractions;
using Vmie.Disks.Writing;

namespace Vmie.Disks.Raw;

/// <summary>
/// Writes a virtual disk as a raw image. To a local file the result is sparse: only allocated extents are
/// read, and within them runs of zeros become holes. To a stream (an object upload, a pipe) every byte is
/// written in order, zeros included, since a stream has no holes. Memory is one buffer, whatever the size.
/// </summary>
public static class RawImageWriter
{
    // Chunks of 4 MiB keep reads and writes large and few (a 2 MiB VHD block is read as one piece); workers
    // are capped so memory stays bounded (at most 16 chunks) on machines with many cores.
    private const int ChunkSize = 4 << 20;
    private const int MaxWorkers = 16;
    private const int HoleGranularity = 64 * 1024;

    /// <summary>
    /// Writes <paramref name="disk"/> to a new sparse file at <paramref name="path"/> (replaced if present).
    /// Chunks are read and written by one worker per core (a file takes writes in any order), so formats
    /// whose reads cost CPU (compressed grains) use every core; memory is one chunk per worker.
    /// </summary>
    public static async Task WriteFileAsync(IVirtualDisk disk, string path, IProgress<long>? bytesDone = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(disk);
        var temporary = path + ".vmie-partial";
        try
        {
            using (var handle = File.OpenHandle(temporary, FileMode.Create, FileAccess.Write, FileShare.None, FileOptions.Asynchronous))
            {
                RandomAccess.SetLength(handle, disk.Capacity);
                long reached = 0;
                var options = new ParallelOptions { MaxDegreeOfParallelism = Math.Min(Environment.ProcessorCount, MaxWorkers), CancellationToken = cancellationToken };
                await Parallel.ForEachAsync(Chunks(disk, cancellationToken), options, async (chunk, token) =>
                {
                    var buffer = ArrayPool<byte>.Shared.Rent(chunk.Length);
                    try
                    {
                        var memory = buffer.AsMemory(0, chunk.Length);
                        await ReadExactlyAsync(disk, chunk.Offset, memory, token).ConfigureAwait(false);
                        await WriteSkippingZerosAsync(handle, memory, chunk.Offset, token).ConfigureAwait(false);
                        bytesDone?.Report(FurthestOffset.Raise(ref reached, chunk.Offset + chunk.Length));
                    }
                    finally
                    {
                        ArrayPool<byte>.Shared.Return(buffer);
                    }
                }).ConfigureAwait(false);

                RandomAccess.FlushToDisk(handle);
            }

            File.Move(temporary, path, overwrite: true);
            bytesDone?.Report(disk.Capacity);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    /// <summary>The allocated extents cut into chunks of at most <see cref="ChunkSize"/> bytes.</summary>
    private static async IAsyncEnumerable<(long Offset, int Length)> Chunks(IVirtualDisk disk, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var extent in disk.GetAllocatedExtentsAsync(cancellationToken).ConfigureAwait(false))
        {
            for (var offset = extent.Offset; offset < extent.End; offset += ChunkSize)
            {
                yield return (offset, (int)Math.Min(ChunkSize, extent.End - offset));
            }
        }
    }

    /// <summary>Writes every byte of <paramref name="disk"/>, in order, to <paramref name="destination"/>.</summary>
    public static async Task WriteStreamAsync(IVirtualDisk disk, Stream destination, IProgress<long>? bytesDone = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(disk);
        ArgumentNullException.ThrowIfNull(destination);
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            long position = 0;
            await foreach (var extent in disk.GetAllocatedExtentsAsync(cancellationToken).ConfigureAwait(false))
            {
                await SequentialOutput.WriteZerosAsync(destination, extent.Offset - position, cancellationToken).ConfigureAwait(false);
                for (var offset = extent.Offset; offset < extent.End; offset += ChunkSize)
                {
                    var length = (int)Math.Min(ChunkSize, extent.End - offset);
                    await ReadExactlyAsync(disk, offset, buffer.AsMemory(0, length), cancellationToken).ConfigureAwait(false);
                    await destination.WriteAsync(buffer.AsMemory(0, length), cancellationToken).ConfigureAwait(false);
                    bytesDone?.Report(offset + length);
                }

                position = extent.End;
            }

            await SequentialOutput.WriteZerosAsync(destination, disk.Capacity - position, cancellationToken).ConfigureAwait(false);
            bytesDone?.Report(disk.Capacity);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static async Task ReadExactlyAsync(IVirtualDisk disk, long offset, Memory<byte> chunk, CancellationToken cancellationToken)
    {
        var read = await disk.ReadAsync(offset, chunk, cancellationToken).ConfigureAwait(false);
        if (read != chunk.Length)
        {
            throw new InvalidDiskImageException($"The disk returned {read} bytes at offset {offset} where {chunk.Length} were expected within its capacity of {disk.Capacity} bytes.");
        }
    }

    /// <summary>
    /// Writes the chunk but its all-zero <see cref="HoleGranularity"/> pieces (they stay holes); consecutive
    /// pieces with data go out as one write.
    /// </summary>
    private static async Task WriteSkippingZerosAsync(Microsoft.Win32.SafeHandles.SafeFileHandle handle, ReadOnlyMemory<byte> chunk, long fileOffset, CancellationToken cancellationToken)
    {
        var runStart = -1;
        for (var start = 0; start < chunk.Length; start += HoleGranularity)
        {
            var length = Math.Min(HoleGranularity, chunk.Length - start);
            var hasData = chunk.Span.Slice(start, length).ContainsAnyExcept((byte)0);
            if (hasData && runStart < 0)
            {
                runStart = start;
            }
            else if (!hasData && runStart >= 0)
            {
                await RandomAccess.WriteAsync(handle, chunk[runStart..start], fileOffset + runStart, cancellationToken).ConfigureAwait(false);
                runStart = -1;
            }
        }

        if (runStart >= 0)
        {
            await RandomAccess.WriteAsync(handle, chunk[runStart..], fileOffset + runStart, cancellationToken).ConfigureAwait(false);
        }
    }
}

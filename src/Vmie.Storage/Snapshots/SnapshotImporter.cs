using System.Runtime.ExceptionServices;
using System.Threading.Channels;
using Vmie.Disks.Abstractions;

namespace Vmie.Storage.Snapshots;

/// <summary>
/// Copies a virtual disk into a snapshot store through a bounded pipeline: one task walks the allocated
/// extents and lists the blocks to copy (aligned to the store's block grid), and one worker per core reads
/// each block into one of a fixed set of buffers, drops it if all zeros, and hashes and stores the others.
/// Reading in the workers matters: reading a compressed format (VMDK grains) costs as much CPU as hashing.
/// Memory in flight is at most <see cref="MaxBytesInFlight"/> (at least two blocks), whatever the disk's size.
/// </summary>
public sealed class SnapshotImporter : ISnapshotImporter
{
    /// <summary>Upper bound on the block buffers the pipeline holds (unless two blocks are already larger).</summary>
    public const int MaxBytesInFlight = 32 << 20;

    private static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(250);

    private readonly ISnapshotStore _store;
    private readonly int _workerCount;

    /// <param name="workerCount">Hashing and writing workers; the processor count by default.</param>
    public SnapshotImporter(ISnapshotStore store, int? workerCount = null)
    {
        _store = store;
        _workerCount = workerCount ?? Environment.ProcessorCount;
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(_workerCount, nameof(workerCount));
    }

    public async Task<SnapshotImportResult> ImportAsync(IVirtualDisk source, string snapshotId, IProgress<long>? bytesProcessed, CancellationToken cancellationToken = default)
    {
        var blockSize = _store.BlockSize;
        var capacity = source.Capacity;
        var bufferCount = Math.Clamp(MaxBytesInFlight / blockSize, 2, (2 * _workerCount) + 2);
        var progress = new ThrottledProgress(bytesProcessed, ProgressInterval);

        // Disposing without a commit (any failure or cancellation below) releases the blocks written.
        await using var writer = await _store.BeginAsync(snapshotId, capacity, cancellationToken).ConfigureAwait(false);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);

        var free = Channel.CreateBounded<byte[]>(bufferCount);
        for (var i = 0; i < bufferCount; i++)
        {
            free.Writer.TryWrite(GC.AllocateUninitializedArray<byte>(blockSize));
        }

        var blocks = Channel.CreateBounded<BlockToCopy>(new BoundedChannelOptions(bufferCount) { SingleWriter = true });
        long dataBytes = 0;

        async Task ListBlocksAsync()
        {
            var token = stop.Token;
            try
            {
                long nextBlock = 0;
                long previousEnd = 0;
                await foreach (var extent in source.GetAllocatedExtentsAsync(token).ConfigureAwait(false))
                {
                    if (extent.Offset < previousEnd || extent.Length < 0)
                    {
                        throw new InvalidDataException(
                            $"The source disk reported extent [{extent.Offset}, {extent.End}) out of order; extents must ascend without overlapping.");
                    }

                    previousEnd = extent.End;
                    var end = Math.Min(extent.End, capacity);
                    if (extent.Length == 0 || extent.Offset >= end)
                    {
                        continue;
                    }

                    var first = Math.Max(extent.Offset / blockSize, nextBlock);
                    var last = (end - 1) / blockSize;
                    progress.Add((first - nextBlock) * blockSize); // unallocated blocks skipped over
                    for (var block = first; block <= last; block++)
                    {
                        var length = (int)Math.Min(blockSize, capacity - (block * blockSize));
                        await blocks.Writer.WriteAsync(new BlockToCopy(block, length), token).ConfigureAwait(false);
                    }

                    nextBlock = Math.Max(nextBlock, last + 1);
                }

                blocks.Writer.Complete();
            }
            catch (Exception e)
            {
                blocks.Writer.TryComplete(e);
                await stop.CancelAsync().ConfigureAwait(false);
                throw;
            }
        }

        async Task StoreBlocksAsync()
        {
            var token = stop.Token;
            try
            {
                await foreach (var item in blocks.Reader.ReadAllAsync(token).ConfigureAwait(false))
                {
                    var buffer = await free.Reader.ReadAsync(token).ConfigureAwait(false);
                    try
                    {
                        // The caller's token is seen at once; the linked one only once its callback has run, which
                        // CancelAsync leaves to the thread pool.
                        cancellationToken.ThrowIfCancellationRequested();
                        var offset = item.Index * blockSize;
                        var data = buffer.AsMemory(0, item.Length);
                        var read = await source.ReadAsync(offset, data, token).ConfigureAwait(false);
                        if (read != item.Length)
                        {
                            throw new EndOfStreamException(
                                $"The source disk returned {read} bytes at offset {offset} where {item.Length} were expected within its capacity of {capacity} bytes.");
                        }

                        if (data.Span.IndexOfAnyExcept((byte)0) >= 0)
                        {
                            await writer.WriteBlockAsync(item.Index, data, token).ConfigureAwait(false);
                            Interlocked.Add(ref dataBytes, item.Length);
                        }
                    }
                    finally
                    {
                        free.Writer.TryWrite(buffer);
                    }

                    progress.Add(item.Length);
                }
            }
            catch
            {
                await stop.CancelAsync().ConfigureAwait(false);
                throw;
            }
        }

        var tasks = new Task[_workerCount + 1];
        tasks[0] = Task.Run(ListBlocksAsync, CancellationToken.None);
        for (var i = 1; i < tasks.Length; i++)
        {
            tasks[i] = Task.Run(StoreBlocksAsync, CancellationToken.None);
        }

        try
        {
            await Task.WhenAll(tasks).ConfigureAwait(false);
        }
        catch
        {
            ExceptionDispatchInfo.Throw(FirstCause(tasks, cancellationToken));
            throw;
        }

        cancellationToken.ThrowIfCancellationRequested();
        await writer.CommitAsync(cancellationToken).ConfigureAwait(false);
        progress.Add(capacity - progress.Total); // the unallocated tail
        progress.Flush();
        return new SnapshotImportResult(capacity, Interlocked.Read(ref dataBytes));
    }

    /// <summary>
    /// The exception that stopped the pipeline: a real failure wins over the cancellations it caused in
    /// the other tasks; the caller's cancellation surfaces as such.
    /// </summary>
    private static Exception FirstCause(Task[] tasks, CancellationToken cancellationToken)
    {
        var errors = tasks.Where(t => t.IsFaulted).SelectMany(t => t.Exception!.InnerExceptions).ToList();
        var failure = errors.FirstOrDefault(e => e is not OperationCanceledException and not ChannelClosedException);
        if (failure is not null)
        {
            return failure;
        }

        if (cancellationToken.IsCancellationRequested)
        {
            return new OperationCanceledException(cancellationToken);
        }

        return errors.FirstOrDefault() ?? new OperationCanceledException();
    }

    private readonly record struct BlockToCopy(long Index, int Length);
}

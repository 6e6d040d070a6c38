using Vmie.Disks.Abstractions;
using Vmie.Storage.Snapshots;

namespace Vmie.Ec2.Tests.TestDoubles;

/// <summary>
/// A sequential importer for tests: copies the allocated extents block by block into the snapshot store,
/// reports progress after each block, and lets a test pause before a block or make it fail, or act once the
/// snapshot is committed.
/// </summary>
internal sealed class TestSnapshotImporter(ISnapshotStore store) : ISnapshotImporter
{
    /// <summary>Awaited before each block (index given); may block or throw.</summary>
    public Func<long, CancellationToken, Task>? BeforeBlock { get; set; }

    /// <summary>Called with the snapshot ID once its contents are committed, before the import returns.</summary>
    public Action<string>? AfterCommit { get; set; }

    public async Task<SnapshotImportResult> ImportAsync(IVirtualDisk source, string snapshotId, IProgress<long>? bytesProcessed, CancellationToken cancellationToken = default)
    {
        await using var writer = await store.BeginAsync(snapshotId, source.Capacity, cancellationToken);
        var blockSize = store.BlockSize;
        var buffer = new byte[blockSize];
        long processed = 0, dataBytes = 0;
        await foreach (var extent in source.GetAllocatedExtentsAsync(cancellationToken))
        {
            for (var index = extent.Offset / blockSize; index * blockSize < extent.End; index++)
            {
                if (BeforeBlock is { } hook)
                {
                    await hook(index, cancellationToken);
                }

                cancellationToken.ThrowIfCancellationRequested();
                var offset = index * blockSize;
                var length = (int)Math.Min(blockSize, source.Capacity - offset);
                var read = await source.ReadAsync(offset, buffer.AsMemory(0, length), cancellationToken);
                await writer.WriteBlockAsync(index, buffer.AsMemory(0, read), cancellationToken);
                if (buffer.AsSpan(0, read).ContainsAnyExcept((byte)0))
                {
                    dataBytes += read;
                }

                processed += read;
                bytesProcessed?.Report(processed);
            }
        }

        await writer.CommitAsync(cancellationToken);
        AfterCommit?.Invoke(snapshotId);
        return new SnapshotImportResult(source.Capacity, dataBytes);
    }
}

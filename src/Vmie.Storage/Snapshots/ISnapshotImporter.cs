using Vmie.Disks.Abstractions;

namespace Vmie.Storage.Snapshots;

/// <summary>
/// Copies a virtual disk into the snapshot store: reads only allocated extents, skips zero blocks,
/// hashes and stores the rest, using every core, with bounded memory.
/// </summary>
public interface ISnapshotImporter
{
    /// <param name="bytesProcessed">Receives the count of source bytes processed so far (for progress).</param>
    /// <returns>What was stored. On failure or cancellation nothing is committed and the blocks are released.</returns>
    Task<SnapshotImportResult> ImportAsync(IVirtualDisk source, string snapshotId, IProgress<long>? bytesProcessed, CancellationToken cancellationToken = default);
}

/// <param name="Capacity">Virtual size of the snapshot in bytes.</param>
/// <param name="DataBytes">Bytes of non-zero blocks in the snapshot.</param>
public sealed record SnapshotImportResult(long Capacity, long DataBytes);

using Microsoft.Extensions.Logging;
using Vmie.Ec2.Persistence;
using Vmie.Storage.Snapshots;

namespace Vmie.Ec2.Snapshots;

/// <summary>
/// Deletes from the snapshot store the contents whose metadata is gone (deleted snapshots, snapshots of runs
/// that did not complete). Each is queued in the database first, in the transaction that drops or never
/// wrote the metadata, so a failure or a crash only delays it. The task runner works through the queue in
/// the background (woken by <see cref="SnapshotReleaseSignal"/>).
/// </summary>
public sealed class SnapshotContentReleaser
{
    private const int BatchSize = 100;

    private readonly SnapshotRepository _snapshots;
    private readonly ISnapshotStore _store;
    private readonly ILogger<SnapshotContentReleaser> _logger;

    public SnapshotContentReleaser(SnapshotRepository snapshots, ISnapshotStore store, ILogger<SnapshotContentReleaser> logger)
    {
        _snapshots = snapshots;
        _store = store;
        _logger = logger;
    }

    /// <summary>Releases one queued snapshot's contents; false (logged, left queued) when the store fails.</summary>
    public async Task<bool> ReleaseQueuedAsync(string snapshotId, CancellationToken cancellationToken = default)
    {
        try
        {
            await _store.DeleteAsync(snapshotId, cancellationToken);
        }
        catch (KeyNotFoundException)
        {
            // Nothing was stored under this ID (or it is already gone): that is the goal.
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _logger.LogWarning(e, "Releasing the contents of snapshot {SnapshotId} failed; it stays queued and is retried later.", snapshotId);
            return false;
        }

        await _snapshots.CompleteReleaseAsync(snapshotId, cancellationToken);
        return true;
    }

    /// <summary>Works through the queue once; entries that fail stay for the next pass.</summary>
    public async Task ReleasePendingAsync(CancellationToken cancellationToken = default)
    {
        var failed = new HashSet<string>(StringComparer.Ordinal);
        while (true)
        {
            var pending = (await _snapshots.PendingReleasesAsync(BatchSize + failed.Count, cancellationToken)).Where(id => !failed.Contains(id)).ToList();
            if (pending.Count == 0)
            {
                return;
            }

            foreach (var snapshotId in pending)
            {
                if (!await ReleaseQueuedAsync(snapshotId, cancellationToken))
                {
                    failed.Add(snapshotId);
                }
            }
        }
    }
}

using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Vmie.Ec2.Composition;
using Vmie.Ec2.Persistence;
using Vmie.Ec2.Resources;
using Vmie.Ec2.Snapshots;

namespace Vmie.Ec2.Tasks;

/// <summary>
/// Runs queued import tasks: <see cref="Ec2Options.ImportWorkerCount"/> worker loops each claim the oldest
/// pending task and run it to its end. At start, and then periodically, claims left by dead workers are taken
/// over (re-queued from the beginning, or ended after too many attempts) and snapshot contents left behind are
/// released; contents queued for release (a deleted snapshot, a run that did not complete) are released in the
/// background at once. On shutdown a running task is handed back to the queue, not failed.
/// </summary>
public sealed class ImportTaskRunner : BackgroundService
{
    private static readonly string[] RunnableKinds = [ImportTaskKind.ImportSnapshot];

    private readonly ImportTaskRepository _tasks;
    private readonly ImportSnapshotJob _job;
    private readonly SnapshotContentReleaser _releaser;
    private readonly SnapshotRepository _snapshots;
    private readonly SnapshotReleaseSignal _releases;
    private readonly ImportTaskSignal _signal;
    private readonly ImportTaskCancellation _cancellation;
    private readonly Ec2Options _options;
    private readonly TimeProvider _time;
    private readonly ILogger<ImportTaskRunner> _logger;

    public ImportTaskRunner(
        ImportTaskRepository tasks,
        ImportSnapshotJob job,
        SnapshotContentReleaser releaser,
        SnapshotRepository snapshots,
        SnapshotReleaseSignal releases,
        ImportTaskSignal signal,
        ImportTaskCancellation cancellation,
        Ec2Options options,
        TimeProvider time,
        ILogger<ImportTaskRunner> logger)
    {
        options.Validate();
        _tasks = tasks;
        _job = job;
        _releaser = releaser;
        _snapshots = snapshots;
        _releases = releases;
        _signal = signal;
        _cancellation = cancellation;
        _options = options;
        _time = time;
        _logger = logger;
    }

    /// <summary>Identifies this runner's claims; unique per runner instance.</summary>
    public string WorkerId { get; } = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Let the host finish starting before touching the database.
        await Task.Yield();
        await MaintainAsync(_options.RecoverAllClaimsOnStart, stoppingToken);

        var loops = new List<Task>();
        for (var i = 0; i < _options.ImportWorkerCount; i++)
        {
            loops.Add(WorkLoopAsync(stoppingToken));
        }

        loops.Add(MaintenanceLoopAsync(stoppingToken));
        await Task.WhenAll(loops);
    }

    private async Task WorkLoopAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var task = await _tasks.TryClaimNextAsync(RunnableKinds, WorkerId, ResourceKind.Snapshot.NewId(), _time.GetUtcNow(), stoppingToken);
                if (task is null)
                {
                    await _signal.WaitAsync(_options.IdlePollInterval, stoppingToken);
                    continue;
                }

                await RunAsync(task, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // The database may be briefly unavailable; back off instead of spinning.
                _logger.LogError(e, "The import worker loop failed; retrying.");
                await DelayAsync(_options.IdlePollInterval, stoppingToken);
            }
        }
    }

    private async Task RunAsync(ImportTaskRecord task, CancellationToken stoppingToken)
    {
        _logger.LogInformation("Import task {TaskId} started (attempt {Attempt}), producing snapshot {SnapshotId}.", task.Id, task.Attempts, task.SnapshotId);
        await using var lease = ImportTaskLease.Start(_tasks, _cancellation, task.Id, WorkerId, _options.HeartbeatInterval, _time, _logger, stoppingToken);

        // A write that records the end of a task must happen even when the runner is stopping.
        var none = CancellationToken.None;
        try
        {
            SnapshotRecord snapshot;
            try
            {
                snapshot = await _job.RunAsync(task, lease, lease.Token);
            }
            finally
            {
                // No heartbeat may run beside or after the write that ends the task: it would find the claim
                // gone and report it lost. The lease stays registered, so the claim still counts as running here.
                await lease.StopHeartbeatAsync();
            }

            if (await _tasks.CompleteWithSnapshotAsync(task.Id, WorkerId, snapshot, _time.GetUtcNow(), none))
            {
                _logger.LogInformation("Import task {TaskId} completed: snapshot {SnapshotId}, {Capacity} bytes.", task.Id, snapshot.Id, snapshot.Capacity);
                return;
            }

            // Cancelled (or taken over) while the snapshot was committed: the snapshot must not survive.
            _logger.LogInformation("Import task {TaskId} was cancelled as its snapshot was committed; releasing snapshot {SnapshotId}.", task.Id, snapshot.Id);
            await EndDeletedAsync(task, ImportTaskMessages.Cancelled);
        }
        catch (Exception) when (lease.CancelRequested)
        {
            _logger.LogInformation("Import task {TaskId} was cancelled.", task.Id);
            await EndDeletedAsync(task, ImportTaskMessages.Cancelled);
        }
        catch (Exception) when (lease.ClaimLost)
        {
            _logger.LogWarning("Import task {TaskId} was taken over by another worker; this run is abandoned.", task.Id);
            await QueueRunSnapshotReleaseAsync(task);
        }
        catch (Exception e) when (stoppingToken.IsCancellationRequested && e is not ImportTaskFailedException)
        {
            // The runner is stopping: the queued release happens at the next start.
            _logger.LogInformation("Import task {TaskId} was interrupted by shutdown; it will start again.", task.Id);
            if (!await _tasks.ReleaseClaimAsync(task.Id, WorkerId, _time.GetUtcNow(), none))
            {
                await QueueRunSnapshotReleaseAsync(task);
            }
        }
        catch (ImportTaskFailedException failure)
        {
            _logger.LogInformation("Import task {TaskId} failed: {StatusMessage}", task.Id, failure.StatusMessage);
            await EndDeletedAsync(task, failure.StatusMessage);
        }
        catch (Exception e)
        {
            // Also when only recording the completion failed (disk full, busy database): the snapshot committed
            // in the store is then released with the task's end.
            _logger.LogError(e, "Import task {TaskId} failed with an internal error.", task.Id);
            await EndDeletedAsync(task, ImportTaskMessages.ServerError(task.Id));
        }
    }

    /// <summary>
    /// Ends a run's task deleted and has the run's snapshot released: in the same transaction while the task is
    /// held, else (the task was taken over, and its new run writes another snapshot ID) on its own.
    /// </summary>
    private async Task EndDeletedAsync(ImportTaskRecord task, string statusMessage)
    {
        if (!await _tasks.EndDeletedAsync(task.Id, WorkerId, statusMessage, _time.GetUtcNow(), CancellationToken.None))
        {
            await QueueRunSnapshotReleaseAsync(task);
            return;
        }

        _releases.NotifyReleaseQueued();
    }

    private async Task QueueRunSnapshotReleaseAsync(ImportTaskRecord task)
    {
        if (task.SnapshotId is { } snapshotId)
        {
            await _snapshots.QueueReleaseAsync(snapshotId, _time.GetUtcNow(), CancellationToken.None);
            _releases.NotifyReleaseQueued();
        }
    }

    /// <summary>
    /// Every <see cref="Ec2Options.MaintenanceInterval"/>: takes over stale claims and releases queued snapshot
    /// contents. Woken by <see cref="SnapshotReleaseSignal"/> in between, it releases at once (a wake-up does
    /// not postpone the next full pass).
    /// </summary>
    private async Task MaintenanceLoopAsync(CancellationToken stoppingToken)
    {
        var due = _time.GetUtcNow() + _options.MaintenanceInterval;
        while (!stoppingToken.IsCancellationRequested)
        {
            var wait = due - _time.GetUtcNow();
            bool woken;
            try
            {
                woken = wait > TimeSpan.Zero && await _releases.WaitAsync(wait, _time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            if (woken)
            {
                await ReleaseQueuedContentsAsync(stoppingToken);
                continue;
            }

            await MaintainAsync(recoverAllClaims: false, stoppingToken);
            due = _time.GetUtcNow() + _options.MaintenanceInterval;
        }
    }

    private async Task ReleaseQueuedContentsAsync(CancellationToken stoppingToken)
    {
        try
        {
            await _releaser.ReleasePendingAsync(stoppingToken);
        }
        catch (Exception) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            _logger.LogError(e, "Releasing snapshot contents failed; retrying at the next maintenance pass.");
        }
    }

    private async Task MaintainAsync(bool recoverAllClaims, CancellationToken stoppingToken)
    {
        try
        {
            await RecoverOrphansAsync(recoverAllClaims, stoppingToken);
            await _releaser.ReleasePendingAsync(stoppingToken);
        }
        catch (Exception e) when (stoppingToken.IsCancellationRequested && e is not ImportTaskFailedException)
        {
        }
        catch (Exception e)
        {
            _logger.LogError(e, "Recovering interrupted import tasks failed; retrying at the next maintenance pass.");
        }
    }

    /// <summary>
    /// Takes over the claims of workers that are gone: all claims of other workers when
    /// <paramref name="all"/>, else those whose heartbeat is older than the stale-claim timeout. A claim of
    /// this runner that no worker here is running (its end could not be recorded) counts as stale too.
    /// </summary>
    private async Task RecoverOrphansAsync(bool all, CancellationToken cancellationToken)
    {
        var staleBefore = _time.GetUtcNow() - _options.StaleClaimTimeout;
        var requeued = false;
        foreach (var orphan in await _tasks.ListClaimedAsync(cancellationToken))
        {
            var mine = orphan.ClaimedBy == WorkerId;
            if (mine && _cancellation.IsRunningHere(orphan.Id))
            {
                continue;
            }

            if ((!all || mine) && orphan.HeartbeatAt is { } heartbeat && heartbeat >= staleBefore)
            {
                continue;
            }

            // Each attempt writes a new snapshot ID, so the partial one of the dead run never gets in the way;
            // it is queued for release together with the hand-back.
            var giveUp = orphan.Status == ImportTaskStatus.Active && orphan.Attempts >= _options.MaxImportAttempts;
            if (!await _tasks.RecoverOrphanAsync(orphan, giveUp ? ImportTaskMessages.Interrupted : null, _time.GetUtcNow(), cancellationToken))
            {
                continue;
            }

            var outcome = orphan.Status == ImportTaskStatus.Deleting ? "ended (it was being cancelled)" : giveUp ? "abandoned" : "re-queued";
            _logger.LogWarning("Import task {TaskId}, held by gone worker {WorkerId}, was {Outcome}.", orphan.Id, orphan.ClaimedBy, outcome);
            requeued |= orphan.Status == ImportTaskStatus.Active && !giveUp;
        }

        if (requeued)
        {
            _signal.NotifyWorkAvailable();
        }
    }

    private async Task<bool> DelayAsync(TimeSpan delay, CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(delay, _time, stoppingToken);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}

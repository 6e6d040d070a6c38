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
    private static readonly string[] RunnableKinds = [ImportTaskKind.ImportSnapshot, ImportTaskKind.ImportImage];

    private readonly ImportTaskRepository _tasks;
    private readonly ImportSnapshotJob _job;
    private readonly ImportImageJob _imageJob;
    private readonly SnapshotContentReleaser _releaser;
    private readonly SnapshotRepository _snapshots;
    private readonly SnapshotReleaseSignal _releases;
    private readonly ImportTaskSignal _signal;
    private readonly ImportTaskCancellation _cancellation;
    private readonly Ec2Options _options;
    private readonly TimeProvider _time;
    private readonly ILogger<ImportTaskRunner> _logger;
    private readonly SemaphoreSlim _claimTurn = new(1, 1);

    public ImportTaskRunner(
        ImportTaskRepository tasks,
        ImportSnapshotJob job,
        ImportImageJob imageJob,
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
        _imageJob = imageJob;
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
                var task = await TryClaimAsync(stoppingToken);
                if (task is null)
                {
                    await _signal.WaitAsync(_options.IdlePollInterval, stoppingToken);
                    continue;
                }

                if (stoppingToken.IsCancellationRequested)
                {
                    await HandBackAsync(task.Id);
                    return;
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

    public override void Dispose()
    {
        _claimTurn.Dispose();
        base.Dispose();
    }

    /// <summary>
    /// Claims the next task unless the runner is stopping. Claims and hand-backs of this runner take turns: a worker
    /// must not claim, as the runner stops, a task another worker has just handed back. The claim itself is not
    /// cancellable: cancelled as it runs, it may still be written (SQLite does not stop an UPDATE under way) and would
    /// then leave the task claimed by a worker that has gone.
    /// </summary>
    private async Task<ImportTaskRecord?> TryClaimAsync(CancellationToken stoppingToken)
    {
        await _claimTurn.WaitAsync(CancellationToken.None);
        try
        {
            stoppingToken.ThrowIfCancellationRequested();
            return await _tasks.TryClaimNextAsync(RunnableKinds, WorkerId, ResourceKind.Snapshot.NewId(), _time.GetUtcNow(), CancellationToken.None);
        }
        finally
        {
            _claimTurn.Release();
        }
    }

    /// <summary>Gives a claimed task back to the queue at shutdown; false when the claim was no longer held.</summary>
    private async Task<bool> HandBackAsync(string taskId)
    {
        await _claimTurn.WaitAsync(CancellationToken.None);
        try
        {
            return await _tasks.ReleaseClaimAsync(taskId, WorkerId, _time.GetUtcNow(), CancellationToken.None);
        }
        finally
        {
            _claimTurn.Release();
        }
    }

    private async Task RunAsync(ImportTaskRecord task, CancellationToken stoppingToken)
    {
        _logger.LogInformation("Import task {TaskId} started (attempt {Attempt}).", task.Id, task.Attempts);
        await using var lease = ImportTaskLease.Start(_tasks, _cancellation, task.Id, WorkerId, _options.HeartbeatInterval, _time, _logger, stoppingToken);

        // Every snapshot ID this run may write: what it must release itself when it cannot end or hand back the task.
        var run = new List<string>();
        if (task.SnapshotId is { } snapshotId)
        {
            run.Add(snapshotId);
        }

        try
        {
            var completed = task.Kind switch
            {
                ImportTaskKind.ImportSnapshot => await RunSnapshotAsync(task, lease),
                ImportTaskKind.ImportImage => await RunImageAsync(task, lease, run),
                _ => throw new InvalidOperationException($"Import task {task.Id} has kind {task.Kind}, which no job runs."),
            };
            if (completed)
            {
                return;
            }

            // Cancelled (or taken over) while the snapshots were committed: they must not survive.
            _logger.LogInformation("Import task {TaskId} was cancelled as its snapshots were committed; releasing them.", task.Id);
            await EndDeletedAsync(task, ImportTaskMessages.Cancelled, run);
        }
        catch (Exception) when (lease.CancelRequested)
        {
            _logger.LogInformation("Import task {TaskId} was cancelled.", task.Id);
            await EndDeletedAsync(task, ImportTaskMessages.Cancelled, run);
        }
        catch (Exception) when (lease.ClaimLost)
        {
            _logger.LogWarning("Import task {TaskId} was taken over by another worker; this run is abandoned.", task.Id);
            await QueueRunSnapshotReleaseAsync(run);
        }
        catch (Exception e) when (stoppingToken.IsCancellationRequested && e is not ImportTaskFailedException)
        {
            // The runner is stopping: the queued release happens at the next start.
            _logger.LogInformation("Import task {TaskId} was interrupted by shutdown; it will start again.", task.Id);
            if (!await HandBackAsync(task.Id))
            {
                await QueueRunSnapshotReleaseAsync(run);
            }
        }
        catch (ImportTaskFailedException failure)
        {
            _logger.LogInformation("Import task {TaskId} failed: {StatusMessage}", task.Id, failure.StatusMessage);
            await EndDeletedAsync(task, failure.StatusMessage, run);
        }
        catch (Exception e)
        {
            // Also when only recording the completion failed (disk full, busy database): the snapshots committed
            // in the store are then released with the task's end.
            _logger.LogError(e, "Import task {TaskId} failed with an internal error.", task.Id);
            await EndDeletedAsync(task, ImportTaskMessages.ServerError(task.Id), run);
        }
    }

    /// <returns>True when the task completed; false when it was cancelled or taken over as its snapshot was committed.</returns>
    private async Task<bool> RunSnapshotAsync(ImportTaskRecord task, ImportTaskLease lease)
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

        if (!await _tasks.CompleteWithSnapshotAsync(task.Id, WorkerId, snapshot, _time.GetUtcNow(), CancellationToken.None))
        {
            return false;
        }

        _logger.LogInformation("Import task {TaskId} completed: snapshot {SnapshotId}, {Capacity} bytes.", task.Id, snapshot.Id, snapshot.Capacity);
        return true;
    }

    /// <returns>True when the task completed; false when it was cancelled or taken over as its AMI was prepared.</returns>
    private async Task<bool> RunImageAsync(ImportTaskRecord task, ImportTaskLease lease, List<string> run)
    {
        ImportImageCompletion completion;
        try
        {
            completion = await _imageJob.RunAsync(task, lease, WorkerId, run, lease.Token);
        }
        finally
        {
            await lease.StopHeartbeatAsync();
        }

        if (!await _tasks.CompleteWithImageAsync(task.Id, WorkerId, completion.Decisions.ToJson(), completion.Snapshots, completion.Image, _time.GetUtcNow(), CancellationToken.None))
        {
            return false;
        }

        _logger.LogInformation("Import task {TaskId} completed: AMI {ImageId} with {Disks} snapshots ({Platform}, {BootMode}, {UsageOperation}).",
            task.Id, completion.Image.Id, completion.Snapshots.Count, completion.Decisions.PlatformDetails, completion.Decisions.BootMode, completion.Decisions.UsageOperation);
        return true;
    }

    /// <summary>
    /// Ends a run's task deleted and has the run's snapshots released: those recorded in the task's rows in the same
    /// transaction while the task is held, and every ID the run took on its own (the task may have been taken over,
    /// and its new run writes other snapshot IDs).
    /// </summary>
    private async Task EndDeletedAsync(ImportTaskRecord task, string statusMessage, List<string> run)
    {
        if (await _tasks.EndDeletedAsync(task.Id, WorkerId, statusMessage, _time.GetUtcNow(), CancellationToken.None))
        {
            _releases.NotifyReleaseQueued();
        }

        // Also when the end was recorded: an ID the run took but could not record in its disk rows (the write that
        // found the task cancelled) is released too. IDs that became snapshot rows are never queued.
        await QueueRunSnapshotReleaseAsync(run);
    }

    private async Task QueueRunSnapshotReleaseAsync(List<string> run)
    {
        List<string> snapshotIds;
        lock (run)
        {
            snapshotIds = [.. run];
        }

        foreach (var snapshotId in snapshotIds)
        {
            await _snapshots.QueueReleaseAsync(snapshotId, _time.GetUtcNow(), CancellationToken.None);
        }

        if (snapshotIds.Count > 0)
        {
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

using Vmie.Ec2.ImageImports;
using Vmie.Ec2.Persistence;

namespace Vmie.Ec2.Tasks;

/// <summary>
/// Backs the pipeline's reports with the task's rows: stages go to ec2_tasks at once, disk details to ec2_task_disks
/// at once (an OVA's one row becomes its disks' rows), byte counts are remembered and written with the heartbeat (the
/// task's progress by the lease, each disk's by <see cref="FlushProgressAsync"/>). Every snapshot ID a disk is given
/// is remembered before it is recorded, so that the run can release what it wrote whatever happens to its claim.
/// </summary>
internal sealed class ImageImportTaskReporter : IImageImportReporter, IDisposable
{
    private readonly ImportTaskRepository _tasks;
    private readonly TaskDiskRepository _disks;
    private readonly ImportTaskLease _lease;
    private readonly ImportTaskRecord _task;
    private readonly string _workerId;
    private readonly TimeProvider _time;
    private readonly IReadOnlyList<TaskDiskRecord> _containers;
    private readonly List<TaskDiskRecord> _rows;
    private readonly ICollection<string> _runSnapshotIds;
    private readonly SemaphoreSlim _writes = new(1, 1);
    private readonly Lock _progressLock = new();
    private readonly Dictionary<int, int> _progress = [];
    private readonly Dictionary<int, int> _written = [];

    /// <param name="containers">The task's disk rows as the request made them (position = container index).</param>
    /// <param name="runSnapshotIds">Receives every snapshot ID this run may write (shared with the runner, under its lock).</param>
    public ImageImportTaskReporter(
        ImportTaskRepository tasks,
        TaskDiskRepository disks,
        ImportTaskLease lease,
        ImportTaskRecord task,
        string workerId,
        TimeProvider time,
        IReadOnlyList<TaskDiskRecord> containers,
        ICollection<string> runSnapshotIds)
    {
        _tasks = tasks;
        _disks = disks;
        _lease = lease;
        _task = task;
        _workerId = workerId;
        _time = time;
        _containers = containers;
        _rows = [.. containers];
        _runSnapshotIds = runSnapshotIds;
    }

    public void Dispose() => _writes.Dispose();

    public async Task SetStageAsync(string statusMessage, CancellationToken cancellationToken)
    {
        if (!await _tasks.SetStageAsync(_task.Id, _workerId, statusMessage, null, _time.GetUtcNow(), cancellationToken))
        {
            await InterruptedAsync();
        }
    }

    public async Task SetDiskAsync(ImageImportDiskUpdate update, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(update);
        lock (_runSnapshotIds)
        {
            if (!_runSnapshotIds.Contains(update.SnapshotId))
            {
                _runSnapshotIds.Add(update.SnapshotId);
            }
        }

        bool recorded;
        await _writes.WaitAsync(cancellationToken);
        try
        {
            if (update.Index < _rows.Count)
            {
                _rows[update.Index] = Apply(_rows[update.Index], update);
                recorded = await _disks.UpdateAsync(_task.Id, _workerId, update.Index, new TaskDiskUpdate
                {
                    Status = update.Status,
                    StatusMessage = update.StatusMessage,
                    Progress = update.Progress,
                    DiskImageSize = update.DiskImageSize,
                    SnapshotId = update.SnapshotId,
                    DeviceName = update.DeviceName,
                    Format = FormatOf(_rows[update.Index], update),
                }, cancellationToken);
            }
            else if (update.Index == _rows.Count)
            {
                // A further disk of an OVA: a row like its container's, with the disk's own details.
                _rows.Add(Apply(_containers[update.ContainerIndex] with { Position = update.Index }, update));
                recorded = await _disks.ReplaceAsync(_task.Id, _workerId, _rows, cancellationToken);
            }
            else
            {
                throw new InvalidOperationException($"Disk {update.Index} of task {_task.Id} was reported before disk {_rows.Count}.");
            }
        }
        finally
        {
            _writes.Release();
        }

        if (!recorded)
        {
            await InterruptedAsync();
        }
    }

    public void ReportDiskProgress(int diskIndex, int progress)
    {
        lock (_progressLock)
        {
            _progress[diskIndex] = Math.Max(progress, _progress.GetValueOrDefault(diskIndex));
        }
    }

    public void ReportOverall(long processedBytes, long totalBytes)
    {
        _lease.SetTotal(totalBytes);
        _lease.Report(processedBytes);
    }

    /// <summary>Writes each disk's progress that rose since the last call (called after each heartbeat).</summary>
    public async Task FlushProgressAsync(CancellationToken cancellationToken)
    {
        List<KeyValuePair<int, int>> changed;
        lock (_progressLock)
        {
            changed = [.. _progress.Where(disk => disk.Value > _written.GetValueOrDefault(disk.Key))];
        }

        foreach (var (disk, progress) in changed)
        {
            await _writes.WaitAsync(cancellationToken);
            try
            {
                if (disk >= _rows.Count)
                {
                    continue;
                }

                await _disks.UpdateAsync(_task.Id, _workerId, disk, new TaskDiskUpdate { Progress = progress }, cancellationToken);
            }
            finally
            {
                _writes.Release();
            }

            lock (_progressLock)
            {
                _written[disk] = Math.Max(progress, _written.GetValueOrDefault(disk));
            }
        }
    }

    private static TaskDiskRecord Apply(TaskDiskRecord row, ImageImportDiskUpdate update) => row with
    {
        Status = update.Status,
        StatusMessage = update.StatusMessage ?? row.StatusMessage,
        Progress = update.Progress is { } progress ? Math.Max(progress, row.Progress ?? 0) : row.Progress,
        DiskImageSize = update.DiskImageSize,
        SnapshotId = update.SnapshotId,
        DeviceName = update.DeviceName,
        Format = FormatOf(row, update) ?? row.Format,
    };

    // A disk taken from a snapshot has no format of its own (its row shows none, as the request gave none).
    private static string? FormatOf(TaskDiskRecord row, ImageImportDiskUpdate update) => row.SourceSnapshotId is null ? update.Format : null;

    /// <summary>A conditional write changed nothing: the task is being cancelled, or another worker holds it.</summary>
    private async Task InterruptedAsync()
    {
        await _lease.CheckNowAsync();
        if (_lease.CancelRequested || _lease.ClaimLost)
        {
            throw new OperationCanceledException(_lease.Token);
        }

        throw new InvalidOperationException($"A disk or stage of import task {_task.Id} could not be recorded although the worker holds the task.");
    }
}

using Microsoft.Extensions.Logging;
using Vmie.Ec2.Persistence;

namespace Vmie.Ec2.Tasks;

/// <summary>
/// A worker's hold on a claimed task while it runs. A background loop writes the heartbeat and the progress
/// (so at most one progress write per interval, whatever the rate of reports) and stops the work when the task
/// is cancelled (status deleting, or a CancelImportTask in this process) or the claim was taken over.
/// </summary>
public sealed class ImportTaskLease : IImportTaskReporter, IAsyncDisposable
{
    private readonly ImportTaskRepository _tasks;
    private readonly string _taskId;
    private readonly string _workerId;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _work;
    private readonly CancellationTokenSource _stopHeartbeat = new();
    private readonly ImportTaskCancellation.Registration _registration;
    private readonly Task _heartbeat;
    private long _processed;
    private long _total;
    private volatile bool _cancelRequested;
    private volatile bool _claimLost;
    private Func<CancellationToken, Task>? _onBeat;

    private ImportTaskLease(ImportTaskRepository tasks, ImportTaskCancellation cancellation, string taskId, string workerId, TimeSpan interval, TimeProvider time, ILogger logger, CancellationToken stopping)
    {
        _tasks = tasks;
        _taskId = taskId;
        _workerId = workerId;
        _time = time;
        _logger = logger;
        _work = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        _registration = cancellation.Register(taskId, RequestCancel);
        _heartbeat = HeartbeatLoopAsync(interval);
    }

    /// <summary>Cancelled when the task is cancelled, the claim is lost or the runner stops.</summary>
    public CancellationToken Token => _work.Token;

    public bool CancelRequested => _cancelRequested;

    public bool ClaimLost => _claimLost;

    public static ImportTaskLease Start(ImportTaskRepository tasks, ImportTaskCancellation cancellation, string taskId, string workerId, TimeSpan interval, TimeProvider time, ILogger logger, CancellationToken stopping) =>
        new(tasks, cancellation, taskId, workerId, interval, time, logger, stopping);

    public void Report(long value) => Interlocked.Exchange(ref _processed, value);

    public void SetTotal(long bytes) => Interlocked.Exchange(ref _total, bytes);

    public Task SetStageAsync(string statusMessage, long? diskImageSize, CancellationToken cancellationToken) =>
        _tasks.SetStageAsync(_taskId, _workerId, statusMessage, diskImageSize, _time.GetUtcNow(), cancellationToken);

    /// <summary>
    /// Work to do after each heartbeat that found the task still active and held (an image task writes its disks'
    /// progress there, at most once per interval). A failure is logged and retried at the next beat.
    /// </summary>
    public void OnBeat(Func<CancellationToken, Task> work) => _onBeat = work;

    /// <summary>
    /// Looks at the task now, as a heartbeat does: when it is being cancelled or the claim was lost, the flags are set
    /// and <see cref="Token"/> is cancelled. For a worker whose conditional write changed nothing.
    /// </summary>
    public Task CheckNowAsync() => BeatAsync();

    /// <summary>
    /// Stops the heartbeat and waits for a beat in flight, before the write that ends the task (a beat after it
    /// would find the claim gone). The task stays registered as running here until disposal. Idempotent.
    /// </summary>
    public async Task StopHeartbeatAsync()
    {
        await _stopHeartbeat.CancelAsync();
        await _heartbeat;
    }

    public async ValueTask DisposeAsync()
    {
        await StopHeartbeatAsync();
        _registration.Dispose();
        _stopHeartbeat.Dispose();
        _work.Dispose();
    }

    private void RequestCancel()
    {
        _cancelRequested = true;
        CancelWork();
    }

    private void CancelWork()
    {
        try
        {
            _work.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The task already finished.
        }
    }

    private async Task HeartbeatLoopAsync(TimeSpan interval)
    {
        await Task.Yield();
        using var timer = new PeriodicTimer(interval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(_stopHeartbeat.Token))
            {
                await BeatAsync();
            }
        }
        catch (OperationCanceledException)
        {
            // The task finished.
        }
    }

    private async Task BeatAsync()
    {
        var total = Interlocked.Read(ref _total);
        int? progress = total > 0 ? ImportProgress.FromBytes(Interlocked.Read(ref _processed), total) : null;
        string? status;
        try
        {
            status = await _tasks.HeartbeatAsync(_taskId, _workerId, progress, _time.GetUtcNow(), _stopHeartbeat.Token);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A missed beat is harmless unless it lasts longer than the stale-claim timeout.
            _logger.LogWarning(e, "Heartbeat of import task {TaskId} failed.", _taskId);
            return;
        }

        if (status is null)
        {
            _logger.LogWarning("Import task {TaskId} is no longer held by worker {WorkerId}; stopping its conversion.", _taskId, _workerId);
            _claimLost = true;
            CancelWork();
        }
        else if (status == ImportTaskStatus.Deleting)
        {
            RequestCancel();
        }
        else if (_onBeat is { } work)
        {
            try
            {
                await work(_stopHeartbeat.Token);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                _logger.LogWarning(e, "Recording the progress of import task {TaskId} failed.", _taskId);
            }
        }
    }
}

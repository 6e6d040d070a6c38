namespace Vmie.Ec2.Snapshots;

/// <summary>
/// Wakes the task runner's maintenance loop when snapshot contents were queued for release, so that they are
/// deleted from the snapshot store in the background at once instead of at the next maintenance interval, and
/// no request waits for it (deleting a large snapshot's blocks takes longer than a client waits for an answer).
/// </summary>
public sealed class SnapshotReleaseSignal : IDisposable
{
    // One pending wake-up is enough: a maintenance pass works through the whole queue.
    private readonly SemaphoreSlim _wakeUp = new(0, 1);

    public void NotifyReleaseQueued()
    {
        try
        {
            _wakeUp.Release();
        }
        catch (SemaphoreFullException)
        {
            // A wake-up is already pending.
        }
    }

    /// <returns>True when woken, false when <paramref name="timeout"/> (measured by <paramref name="time"/>) passed.</returns>
    public async Task<bool> WaitAsync(TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        using var timer = new CancellationTokenSource(timeout, time);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(timer.Token, cancellationToken);
        try
        {
            await _wakeUp.WaitAsync(either.Token);
            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    public void Dispose() => _wakeUp.Dispose();
}

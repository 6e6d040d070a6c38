namespace Vmie.Ec2.Tasks;

/// <summary>Wakes idle workers when a task is queued, so that they need not wait for their next poll.</summary>
public sealed class ImportTaskSignal : IDisposable
{
    // Bounded so that a burst of submissions with no runner listening does not pile up wake-ups.
    private const int MaxPendingWakeUps = 64;

    private readonly SemaphoreSlim _wakeUps = new(0, MaxPendingWakeUps);

    public void NotifyWorkAvailable()
    {
        try
        {
            _wakeUps.Release();
        }
        catch (SemaphoreFullException)
        {
            // Enough wake-ups are already pending.
        }
    }

    /// <returns>True when woken, false when <paramref name="timeout"/> passed.</returns>
    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _wakeUps.WaitAsync(timeout, cancellationToken);

    public void Dispose() => _wakeUps.Dispose();
}

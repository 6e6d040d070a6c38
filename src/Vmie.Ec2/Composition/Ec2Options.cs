namespace Vmie.Ec2.Composition;

/// <summary>Settings of the EC2 domain and its task runner.</summary>
public sealed class Ec2Options
{
    /// <summary>Tasks converted at the same time by one runner.</summary>
    public int ImportWorkerCount { get; set; } = 2;

    /// <summary>
    /// Disk conversions the process runs at once over all tasks (each already uses every core); the disks of one
    /// import-image task convert in parallel within this budget.
    /// </summary>
    public int ConversionConcurrency { get; set; } = 2;

    /// <summary>Import tasks an account may have active (or being cancelled) in a region; AWS's default is 5.</summary>
    public int MaxActiveImportTasksPerRegion { get; set; } = 5;

    /// <summary>How often a worker records its heartbeat and progress, and checks for a cancellation from elsewhere.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>A claim whose heartbeat is older than this belongs to a dead worker and is taken over.</summary>
    public TimeSpan StaleClaimTimeout { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often the runner looks for stale claims and snapshot contents left to release.</summary>
    public TimeSpan MaintenanceInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an idle worker waits for a wake-up before looking at the queue again.</summary>
    public TimeSpan IdlePollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// At start, take over every claim held by another worker, not only stale ones. Right when one process
    /// owns the database (SQLite): any claim found at start was left by a previous run.
    /// </summary>
    public bool RecoverAllClaimsOnStart { get; set; } = true;

    /// <summary>
    /// Runs of a task that may end with the worker gone (crash, kill) before the task is abandoned with a
    /// ServerError instead of being restarted. Runs handed back at a clean shutdown do not count.
    /// </summary>
    public int MaxImportAttempts { get; set; } = 3;

    /// <summary>Fails loudly on settings the runner cannot work with.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(ImportWorkerCount, 1, nameof(ImportWorkerCount));
        ArgumentOutOfRangeException.ThrowIfLessThan(ConversionConcurrency, 1, nameof(ConversionConcurrency));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxActiveImportTasksPerRegion, 1, nameof(MaxActiveImportTasksPerRegion));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxImportAttempts, 1, nameof(MaxImportAttempts));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(HeartbeatInterval, TimeSpan.Zero, nameof(HeartbeatInterval));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(StaleClaimTimeout, HeartbeatInterval, nameof(StaleClaimTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(MaintenanceInterval, TimeSpan.Zero, nameof(MaintenanceInterval));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(IdlePollInterval, TimeSpan.Zero, nameof(IdlePollInterval));
    }
}

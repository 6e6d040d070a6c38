namespace Vmie.Ec2.Persistence;

public enum SnapshotDeleteResult
{
    Deleted,
    NotFound,
    InUse,
}

/// <param name="UsedByTaskId">The unfinished task that holds the snapshot, when <see cref="SnapshotDeleteResult.InUse"/>.</param>
public sealed record SnapshotDeleteOutcome(SnapshotDeleteResult Result, string? UsedByTaskId);

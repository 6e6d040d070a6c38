namespace Vmie.Ec2.Persistence;

public enum SnapshotDeleteResult
{
    Deleted,
    NotFound,
    InUse,
}

/// <param name="UsedBy">
/// What holds the snapshot when <see cref="SnapshotDeleteResult.InUse"/>: an AMI whose block device mapping
/// names it, or an unfinished task that reads or writes it.
/// </param>
public sealed record SnapshotDeleteOutcome(SnapshotDeleteResult Result, string? UsedBy);

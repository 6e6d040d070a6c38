namespace Vmie.Ec2.Persistence;

public enum ImageInsertResult
{
    Inserted,

    /// <summary>Another AMI of the account and region has the name (<see cref="ImageInsertOutcome.Conflict"/> is its ID).</summary>
    NameTaken,

    /// <summary>A mapped snapshot is not a completed snapshot of the account and region (<see cref="ImageInsertOutcome.Conflict"/>).</summary>
    SnapshotNotFound,
}

/// <param name="Conflict">The AMI holding the name, or the missing snapshot.</param>
public sealed record ImageInsertOutcome(ImageInsertResult Result, string? Conflict);

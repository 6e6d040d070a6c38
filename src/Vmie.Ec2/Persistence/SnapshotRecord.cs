namespace Vmie.Ec2.Persistence;

/// <summary>One row of the snapshot table.</summary>
public sealed record SnapshotRecord
{
    public long Sequence { get; init; }
    public required string Id { get; init; }
    public required string AccountId { get; init; }
    public required string Region { get; init; }
    public required string VolumeId { get; init; }

    /// <summary>GiB, rounded up from <see cref="Capacity"/>.</summary>
    public int VolumeSize { get; init; }

    /// <summary>Bytes.</summary>
    public long Capacity { get; init; }

    /// <summary>Bytes of non-zero blocks.</summary>
    public long DataBytes { get; init; }

    public required string State { get; init; }
    public required string Progress { get; init; }
    public string? Description { get; init; }
    public bool Encrypted { get; init; }
    public string? KmsKeyId { get; init; }
    public DateTimeOffset StartTime { get; init; }
    public DateTimeOffset? CompletionTime { get; init; }
    public string? SourceTaskId { get; init; }
}

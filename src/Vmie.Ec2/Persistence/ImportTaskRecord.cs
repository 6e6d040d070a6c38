namespace Vmie.Ec2.Persistence;

/// <summary>One row of the task table.</summary>
public sealed record ImportTaskRecord
{
    public long Sequence { get; init; }
    public required string Id { get; init; }
    public required string Kind { get; init; }
    public required string AccountId { get; init; }
    public required string Region { get; init; }
    public required string Status { get; init; }
    public string? StatusMessage { get; init; }
    public int? Progress { get; init; }
    public long DiskImageSize { get; init; }
    public string? Description { get; init; }

    /// <summary>The normalised request, kind-specific JSON, without secrets.</summary>
    public required string RequestJson { get; init; }

    public string? SourceBucket { get; init; }
    public string? SourceKey { get; init; }

    /// <summary>A snapshot the task reads (exports, image imports from snapshots); it cannot be deleted meanwhile.</summary>
    public string? SourceSnapshotId { get; init; }

    /// <summary>The snapshot the task produces; allocated when a worker claims the task.</summary>
    public string? SnapshotId { get; init; }

    public string? ResultJson { get; init; }
    public string? ClientToken { get; init; }
    public string? RequestFingerprint { get; init; }
    public string? CancelReason { get; init; }
    public int Attempts { get; init; }
    public string? ClaimedBy { get; init; }
    public DateTimeOffset? ClaimedAt { get; init; }
    public DateTimeOffset? HeartbeatAt { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
    public DateTimeOffset? FinishedAt { get; init; }
}

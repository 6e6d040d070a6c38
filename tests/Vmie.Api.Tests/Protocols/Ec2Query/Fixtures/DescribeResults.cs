namespace Vmie.Api.Tests.Protocols.Ec2Query.Fixtures;

// Test-only result types for DescribeTags and DescribeSnapshots (numbers and timestamps).

public sealed record DescribeTagsResult(IReadOnlyList<TagDescription>? Tags, string? NextToken = null);

public sealed record TagDescription(string Key, string ResourceId, string ResourceType, string? Value);

public sealed class DescribeSnapshotsResult
{
    public List<Snapshot>? Snapshots { get; init; }
}

public sealed class Snapshot
{
    public string? SnapshotId { get; init; }

    public string? State { get; init; }

    public DateTime? StartTime { get; init; }

    public DateTimeOffset? CompletionTime { get; init; }

    public int? VolumeSize { get; init; }

    public long? FullSnapshotSizeInBytes { get; init; }

    public bool Encrypted { get; init; }

    public List<ResultTag>? Tags { get; init; }
}

using Vmie.Ec2.Contracts.Common;

namespace Vmie.Ec2.Contracts.Snapshots;

/// <summary>An EBS snapshot as DescribeSnapshots returns it (model shape Snapshot).</summary>
public sealed class Snapshot
{
    public string? OwnerAlias { get; set; }

    public string? OutpostArn { get; set; }

    public List<Tag> Tags { get; set; } = [];

    /// <summary>archive | standard.</summary>
    public string? StorageTier { get; set; }

    public DateTime? RestoreExpiryTime { get; set; }

    /// <summary>sse-ebs | sse-kms | none.</summary>
    public string? SseType { get; set; }

    public string? AvailabilityZone { get; set; }

    /// <summary>time-based | standard.</summary>
    public string? TransferType { get; set; }

    public int? CompletionDurationMinutes { get; set; }

    public DateTime? CompletionTime { get; set; }

    public long? FullSnapshotSizeInBytes { get; set; }

    public string? SnapshotId { get; set; }

    public string? VolumeId { get; set; }

    /// <summary>pending | completed | error | recoverable | recovering (wire name status).</summary>
    public string? State { get; set; }

    public string? StateMessage { get; set; }

    public DateTime? StartTime { get; set; }

    /// <summary>Percentage with a percent sign, e.g. "100%".</summary>
    public string? Progress { get; set; }

    public string? OwnerId { get; set; }

    public string? Description { get; set; }

    /// <summary>Size in GiB.</summary>
    public int? VolumeSize { get; set; }

    public bool? Encrypted { get; set; }

    public string? KmsKeyId { get; set; }

    public string? DataEncryptionKeyId { get; set; }
}

namespace Vmie.Ec2.Persistence;

/// <summary>
/// One EBS volume. Volumes are metadata only: no data path exists for them yet, and <see cref="SnapshotId"/>
/// records the snapshot a volume was made from without the volume depending on it (EC2 lets that snapshot be
/// deleted while its volumes live on).
/// </summary>
public sealed record VolumeRecord
{
    public long Sequence { get; init; }
    public required string Id { get; init; }
    public required string AccountId { get; init; }
    public required string Region { get; init; }

    /// <summary>The region and a zone letter, e.g. us-east-1a.</summary>
    public required string AvailabilityZone { get; init; }

    /// <summary>GiB.</summary>
    public int Size { get; init; }

    public string? SnapshotId { get; init; }

    /// <summary>A VolumeState value: available for every stored volume (nothing attaches them).</summary>
    public required string State { get; init; }

    public required string VolumeType { get; init; }
    public int? Iops { get; init; }
    public int? Throughput { get; init; }
    public bool Encrypted { get; init; }
    public string? KmsKeyId { get; init; }
    public bool MultiAttachEnabled { get; init; }
    public string? ClientToken { get; init; }

    /// <summary>What a retry with the same client token must repeat (see <see cref="ClientToken"/>).</summary>
    public string? RequestFingerprint { get; init; }

    public DateTimeOffset CreateTime { get; init; }
}

namespace Vmie.Ec2.Persistence;

/// <summary>One EBS block device mapping of an AMI: the snapshot a volume of the device would be made from.</summary>
public sealed record ImageBlockDeviceRecord
{
    /// <summary>/dev/sda1, /dev/sdb, xvdc...</summary>
    public required string DeviceName { get; init; }

    public required string SnapshotId { get; init; }

    /// <summary>GiB; at least the snapshot's size.</summary>
    public int VolumeSize { get; init; }

    /// <summary>A VolumeType value: gp2, gp3, io1, io2, st1, sc1 or standard.</summary>
    public required string VolumeType { get; init; }

    public int? Iops { get; init; }

    /// <summary>MiB/s (gp3 only).</summary>
    public int? Throughput { get; init; }

    public bool DeleteOnTermination { get; init; } = true;

    /// <summary>As the snapshot is.</summary>
    public bool Encrypted { get; init; }

    /// <summary>The snapshot's key, when encrypted.</summary>
    public string? KmsKeyId { get; init; }
}

namespace Vmie.Ec2.Contracts.Images;

/// <summary>The EBS part of a block device mapping (model shape EbsBlockDevice).</summary>
public sealed class EbsBlockDevice
{
    public bool? DeleteOnTermination { get; set; }

    public int? Iops { get; set; }

    public string? SnapshotId { get; set; }

    /// <summary>GiB.</summary>
    public int? VolumeSize { get; set; }

    /// <summary>standard | io1 | io2 | gp2 | sc1 | st1 | gp3.</summary>
    public string? VolumeType { get; set; }

    public string? KmsKeyId { get; set; }

    /// <summary>MiB/s, gp3 only.</summary>
    public int? Throughput { get; set; }

    public bool? Encrypted { get; set; }
}

using Vmie.Ec2.Contracts.Common;

namespace Vmie.Ec2.Contracts.Volumes;

/// <summary>An EBS volume as CreateVolume and DescribeVolumes return it (model shape Volume).</summary>
public sealed class Volume
{
    public string? VolumeId { get; set; }

    /// <summary>GiB.</summary>
    public int? Size { get; set; }

    public string? SnapshotId { get; set; }

    public string? AvailabilityZone { get; set; }

    /// <summary>creating | available | in-use | deleting | deleted | error (wire name status).</summary>
    public string? State { get; set; }

    public DateTime? CreateTime { get; set; }

    /// <summary>Always empty: nothing attaches volumes in this vmie.</summary>
    public List<VolumeAttachment> Attachments { get; set; } = [];

    public bool? Encrypted { get; set; }

    public string? KmsKeyId { get; set; }

    public int? Iops { get; set; }

    public List<Tag> Tags { get; set; } = [];

    public string? VolumeType { get; set; }

    public bool? FastRestored { get; set; }

    public bool? MultiAttachEnabled { get; set; }

    public int? Throughput { get; set; }
}

using Vmie.Ec2.Contracts.Common;

namespace Vmie.Ec2.Contracts.Volumes;

/// <summary>
/// CreateVolume. AvailabilityZoneId, OutpostArn, VolumeInitializationRate and Operator are not carried, so the
/// protocol layer refuses them.
/// </summary>
public sealed class CreateVolumeRequest
{
    public string? AvailabilityZone { get; set; }

    public bool? Encrypted { get; set; }

    public int? Iops { get; set; }

    public string? KmsKeyId { get; set; }

    /// <summary>GiB; defaults to the snapshot's size.</summary>
    public int? Size { get; set; }

    public string? SnapshotId { get; set; }

    /// <summary>standard | io1 | io2 | gp2 | sc1 | st1 | gp3; default gp3.</summary>
    public string? VolumeType { get; set; }

    /// <summary>Resource type "volume" (wire name TagSpecification.N).</summary>
    public List<TagSpecification>? TagSpecifications { get; set; }

    public bool? MultiAttachEnabled { get; set; }

    /// <summary>MiB/s, gp3 only.</summary>
    public int? Throughput { get; set; }

    /// <summary>Idempotency token; the AWS CLI and SDKs fill it in.</summary>
    public string? ClientToken { get; set; }

    public bool? DryRun { get; set; }
}

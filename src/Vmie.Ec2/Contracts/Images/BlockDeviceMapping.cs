namespace Vmie.Ec2.Contracts.Images;

/// <summary>
/// An EBS block device mapping (model shape BlockDeviceMapping), in RegisterImage requests and DescribeImages
/// answers. Instance-store mappings (VirtualName) and NoDevice are not carried: AMIs here map EBS snapshots only.
/// </summary>
public sealed class BlockDeviceMapping
{
    public string? DeviceName { get; set; }

    public EbsBlockDevice? Ebs { get; set; }
}

namespace Vmie.Ec2.Contracts.Common;

/// <summary>Where an imported disk image came from (response side).</summary>
public sealed class UserBucketDetails
{
    public string? S3Bucket { get; set; }

    public string? S3Key { get; set; }
}

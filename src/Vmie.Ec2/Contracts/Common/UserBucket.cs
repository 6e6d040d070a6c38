namespace Vmie.Ec2.Contracts.Common;

/// <summary>Where a disk image to import lies (request side).</summary>
public sealed class UserBucket
{
    public string? S3Bucket { get; set; }

    public string? S3Key { get; set; }
}

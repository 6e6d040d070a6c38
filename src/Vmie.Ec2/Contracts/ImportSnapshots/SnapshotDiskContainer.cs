using Vmie.Ec2.Contracts.Common;

namespace Vmie.Ec2.Contracts.ImportSnapshots;

/// <summary>The disk image to import: its format and either a URL or a bucket and key.</summary>
public sealed class SnapshotDiskContainer
{
    public string? Description { get; set; }

    /// <summary>VHD | VHDX | VMDK | RAW, case-insensitive.</summary>
    public string? Format { get; set; }

    /// <summary>s3://bucket/key, or an https:// (or http://) URL of this service such as a presigned GET.</summary>
    public string? Url { get; set; }

    public UserBucket? UserBucket { get; set; }
}

using Vmie.Ec2.Contracts.Common;

namespace Vmie.Ec2.Contracts.ImportImages;

/// <summary>One disk of an image to import: a file (Format and Url or UserBucket) or an existing snapshot.</summary>
public sealed class ImageDiskContainer
{
    public string? Description { get; set; }

    public string? DeviceName { get; set; }

    /// <summary>OVA | VMDK | VHD | VHDX | RAW, case-insensitive.</summary>
    public string? Format { get; set; }

    public string? SnapshotId { get; set; }

    public string? Url { get; set; }

    public UserBucket? UserBucket { get; set; }
}

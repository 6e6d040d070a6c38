using Vmie.Ec2.Contracts.Common;

namespace Vmie.Ec2.Contracts.ImportImages;

/// <summary>One disk of an import image task as clients see it.</summary>
public sealed class SnapshotDetail
{
    public string? Description { get; set; }

    /// <summary>/dev/sda1 for the boot disk, /dev/sdb, /dev/sdc... for the others, once the task has placed them.</summary>
    public string? DeviceName { get; set; }

    /// <summary>Size of the source disk image in bytes; 0 until it is read.</summary>
    public double? DiskImageSize { get; set; }

    public string? Format { get; set; }

    public string? Progress { get; set; }

    /// <summary>Set once the disk's snapshot is made.</summary>
    public string? SnapshotId { get; set; }

    public string? Status { get; set; }

    public string? StatusMessage { get; set; }

    /// <summary>The source URL without its query string.</summary>
    public string? Url { get; set; }

    public UserBucketDetails? UserBucket { get; set; }
}

using Vmie.Ec2.Contracts.Common;

namespace Vmie.Ec2.Contracts.ImportSnapshots;

/// <summary>The state of an import snapshot task as clients see it.</summary>
public sealed class SnapshotTaskDetail
{
    public string? Description { get; set; }

    /// <summary>Size of the source disk image in bytes (0 until the download starts), as AWS reports it.</summary>
    public double? DiskImageSize { get; set; }

    public bool? Encrypted { get; set; }

    public string? Format { get; set; }

    public string? KmsKeyId { get; set; }

    /// <summary>Percentage as a string ("3".."99"); absent once the task has ended.</summary>
    public string? Progress { get; set; }

    /// <summary>Set only once the task is completed.</summary>
    public string? SnapshotId { get; set; }

    /// <summary>active | completed | deleting | deleted.</summary>
    public string? Status { get; set; }

    public string? StatusMessage { get; set; }

    /// <summary>The source URL without its query string (presigned URLs carry secrets there).</summary>
    public string? Url { get; set; }

    public UserBucketDetails? UserBucket { get; set; }
}

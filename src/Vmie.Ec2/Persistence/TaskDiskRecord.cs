namespace Vmie.Ec2.Persistence;

/// <summary>One row of ec2_task_disks: a disk of an import image task.</summary>
public sealed record TaskDiskRecord
{
    public required string TaskId { get; init; }

    /// <summary>0 for the boot disk, then in request order.</summary>
    public int Position { get; init; }

    /// <summary>OVA, VMDK, VHD, VHDX or RAW; null for a disk taken from a snapshot.</summary>
    public string? Format { get; init; }

    /// <summary>The object the disk is read from, resolved (also for URLs).</summary>
    public string? SourceBucket { get; init; }

    public string? SourceKey { get; init; }

    /// <summary>The URL as echoed to clients (no query string); null when the caller gave UserBucket.</summary>
    public string? Url { get; init; }

    /// <summary>True when the caller named the source with UserBucket (it is echoed as UserBucket).</summary>
    public bool EchoUserBucket => Url is null && SourceBucket is not null;

    public string? Description { get; init; }

    /// <summary>/dev/sda1, /dev/sdb...: set by the task once known.</summary>
    public string? DeviceName { get; init; }

    public string? SourceSnapshotId { get; init; }

    /// <summary>The snapshot made for this disk, once the task has made it.</summary>
    public string? SnapshotId { get; init; }

    public required string Status { get; init; }

    public string? StatusMessage { get; init; }

    public int? Progress { get; init; }

    public long DiskImageSize { get; init; }
}

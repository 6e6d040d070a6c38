namespace Vmie.Ec2.Persistence;

/// <summary>
/// What a worker changes on one disk of the task it holds; null members keep their value. Progress is never
/// lowered.
/// </summary>
public sealed record TaskDiskUpdate
{
    public string? Status { get; init; }

    public string? StatusMessage { get; init; }

    public int? Progress { get; init; }

    public long? DiskImageSize { get; init; }

    public string? SnapshotId { get; init; }

    public string? DeviceName { get; init; }

    /// <summary>The disk format found in the data (an OVA's disks are VMDK); null keeps the requested one.</summary>
    public string? Format { get; init; }
}

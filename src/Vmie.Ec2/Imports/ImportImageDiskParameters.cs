namespace Vmie.Ec2.Imports;

/// <summary>One disk container of an ImportImage request, normalised.</summary>
public sealed record ImportImageDiskParameters
{
    public string? Description { get; init; }

    public string? DeviceName { get; init; }

    /// <summary>OVA, VMDK, VHD, VHDX or RAW; null for a disk taken from a snapshot.</summary>
    public string? Format { get; init; }

    /// <summary>The source URL as given, without query string or user info.</summary>
    public string? Url { get; init; }

    public string? S3Bucket { get; init; }

    public string? S3Key { get; init; }

    public string? SnapshotId { get; init; }
}

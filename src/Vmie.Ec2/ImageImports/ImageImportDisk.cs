namespace Vmie.Ec2.ImageImports;

/// <summary>One disk container of an import-image task, as the pipeline needs it: an object, or an existing snapshot.</summary>
/// <param name="Bucket">The bucket of the source object (resolved from UserBucket or Url at request time); null for a snapshot.</param>
/// <param name="Key">The key of the source object; null for a snapshot.</param>
/// <param name="Format">The declared format: OVA, VMDK, VHD, VHDX or RAW, any letter case; null for a snapshot.</param>
/// <param name="Description">The container's Description, or null.</param>
/// <param name="SourceSnapshotId">A completed snapshot of the account whose disk is imported (a new snapshot is made from it).</param>
public sealed record ImageImportDisk(string? Bucket, string? Key, string? Format, string? Description, string? SourceSnapshotId = null);

namespace Vmie.Ec2.Imports;

/// <summary>One disk container of a checked ImportImage request.</summary>
/// <param name="Source">Where the file lies; null for a disk taken from a snapshot.</param>
/// <param name="SnapshotId">The caller's snapshot to take the disk from (well formed; existence is checked by the service).</param>
public sealed record ValidatedImageDisk(ImportImageDiskParameters Parameters, DiskSource? Source, string? SnapshotId);

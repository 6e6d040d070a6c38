namespace Vmie.Ec2.ImageImports;

/// <summary>One disk container of an import-image task, as the pipeline needs it.</summary>
/// <param name="Bucket">The bucket of the source object (resolved from UserBucket or Url at request time).</param>
/// <param name="Key">The key of the source object.</param>
/// <param name="Format">The declared format: OVA, VMDK, VHD, VHDX or RAW, any letter case.</param>
/// <param name="Description">The container's Description, or null.</param>
public sealed record ImageImportDisk(string Bucket, string Key, string Format, string? Description);

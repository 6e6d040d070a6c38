namespace Vmie.Ec2.ImageImports;

/// <summary>One disk made into a snapshot: what the AMI's block device mapping and the snapshot's record need.</summary>
/// <param name="Index">The disk's place after OVAs are expanded (0 is the boot disk).</param>
/// <param name="ContainerIndex">The disk container it came from.</param>
/// <param name="SnapshotId">The committed snapshot in the snapshot store.</param>
/// <param name="DeviceName">/dev/sda1, /dev/sdb...</param>
/// <param name="Capacity">Virtual size in bytes.</param>
/// <param name="DataBytes">Bytes of non-zero blocks stored.</param>
/// <param name="Format">The disk's own format as EC2 names it (VMDK, VHD, VHDX, RAW).</param>
/// <param name="DiskImageSize">Bytes of the disk's image file.</param>
/// <param name="Description">The container's Description, or null.</param>
public sealed record ImageImportDiskResult(
    int Index,
    int ContainerIndex,
    string SnapshotId,
    string DeviceName,
    long Capacity,
    long DataBytes,
    string Format,
    long DiskImageSize,
    string? Description);

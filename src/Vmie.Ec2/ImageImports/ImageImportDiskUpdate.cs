namespace Vmie.Ec2.ImageImports;

/// <summary>A disk's SnapshotDetail as the pipeline knows it (spec §3.1).</summary>
/// <param name="Index">The disk's place among the task's disks after OVAs are expanded (0 is the boot disk).</param>
/// <param name="ContainerIndex">The disk container it came from.</param>
/// <param name="Status">active, then completed.</param>
/// <param name="StatusMessage">The disk's phase (validated, converting), null once completed.</param>
/// <param name="Progress">0–100, null once completed.</param>
/// <param name="Format">The disk's own format as EC2 names it (VMDK, VHD, VHDX, RAW; never OVA).</param>
/// <param name="DiskImageSize">Bytes of the disk's image file (the object, or its member in an OVA).</param>
/// <param name="DeviceName">/dev/sda1 for the boot disk, then /dev/sdb, /dev/sdc...</param>
/// <param name="SnapshotId">The snapshot the disk is converted into.</param>
public sealed record ImageImportDiskUpdate(
    int Index,
    int ContainerIndex,
    string Status,
    string? StatusMessage,
    int? Progress,
    string Format,
    long DiskImageSize,
    string DeviceName,
    string SnapshotId);

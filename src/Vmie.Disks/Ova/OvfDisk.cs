namespace Vmie.Disks.Ova;

/// <summary>
/// A DiskSection/Disk of an OVF descriptor (DSP0243 §9.1) and where the virtual hardware attaches it.
/// </summary>
/// <param name="Capacity">Declared capacity in bytes (ovf:capacity times ovf:capacityAllocationUnits).</param>
/// <param name="Format">The format URI, e.g. VMware's "...vmdk.html#streamOptimized"; informational, the content decides.</param>
/// <param name="ControllerType">"IDE", "SCSI", "SATA"... of the controller item the disk's Parent names; null when not attached.</param>
/// <param name="ControllerAddress">The controller's rasd:Address (its bus number), when given.</param>
/// <param name="AddressOnParent">The disk's rasd:AddressOnParent (its unit on the controller), when given.</param>
public sealed record OvfDisk(
    string DiskId,
    string FileRef,
    long Capacity,
    long? PopulatedSize,
    string? Format,
    string? ControllerType,
    int? ControllerAddress,
    int? AddressOnParent);

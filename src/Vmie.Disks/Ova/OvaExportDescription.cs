namespace Vmie.Disks.Ova;

/// <summary>What an OVA export holds: the virtual machine's description and its disks, boot disk first.</summary>
/// <param name="Name">The VM's name (also the base of the .ovf/.mf member names, reduced to safe characters).</param>
/// <param name="OperatingSystemId">The CIM_OperatingSystem OsType number for OperatingSystemSection ovf:id (e.g. 101 "Linux 64-Bit", 1 "Other").</param>
/// <param name="VmwareGuestOsType">VMware's guest id for vmw:osType (e.g. "otherLinux64Guest"); null to omit it.</param>
public sealed record OvaExportDescription(
    string Name,
    int OperatingSystemId,
    string? VmwareGuestOsType,
    int CpuCount,
    int MemoryMiB,
    OvaFirmware Firmware,
    IReadOnlyList<OvaExportDisk> Disks)
{
    /// <summary>The network the VM's one E1000 adapter connects to; null for no network adapter.</summary>
    public string? NetworkName { get; init; } = "VM Network";
}

/// <summary>The firmware the exported VM boots with.</summary>
public enum OvaFirmware
{
    Bios,
    Efi,
}

/// <summary>An already written streamOptimized VMDK to put in the OVA.</summary>
/// <param name="VmdkPath">The local file holding the VMDK.</param>
/// <param name="Capacity">The disk's virtual size in bytes.</param>
/// <param name="PopulatedSize">Bytes of the disk that hold data (OVF populatedSize).</param>
public sealed record OvaExportDisk(string VmdkPath, long Capacity, long PopulatedSize);

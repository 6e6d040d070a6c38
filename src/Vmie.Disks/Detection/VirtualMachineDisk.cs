using Vmie.Disks.Abstractions;

namespace Vmie.Disks.Detection;

/// <summary>One virtual disk of a VM image, opened, with what reports and imports say about it.</summary>
/// <param name="Disk">The disk as the guest sees it; owned by the <see cref="VirtualMachineImage"/> it came from.</param>
/// <param name="Name">The image's name, or "IMAGE:MEMBER" for a disk inside an OVA.</param>
/// <param name="Format">The disk's own format: for a disk inside an OVA, its member's (VMDK...), never OVA.</param>
/// <param name="Subformat">The variant within the format (streamOptimized, dynamic...).</param>
/// <param name="ImageFileSize">Bytes of the disk's image file: the whole file, or the OVA member.</param>
/// <param name="Warnings">Tolerated oddities found while opening it.</param>
public sealed record VirtualMachineDisk(IVirtualDisk Disk, string Name, DiskFormat Format, string Subformat, long ImageFileSize, IReadOnlyList<string> Warnings)
{
    /// <summary>The format as `vmie info` and `vmie check` show it: "VMDK streamOptimized", "raw"...</summary>
    public string FormatName
    {
        get
        {
            var format = DiskFormatSniffer.Name(Format);
            return Subformat.Length == 0 || string.Equals(Subformat, format, StringComparison.OrdinalIgnoreCase) ? format : $"{format} {Subformat}";
        }
    }
}

namespace Vmie.Disks.Vmdk;

/// <summary>
/// The BIOS geometry a VMDK descriptor records (ddb.geometry.*; "Virtual Disk Format 5.0", "The Disk Database").
/// VMware derives it from the adapter: IDE disks use 16 heads and at most 16383 cylinders, SCSI disks 255 heads;
/// both 63 sectors per track, cylinders rounded down. The capacity is the extent's, not the geometry's.
/// </summary>
internal readonly record struct VmdkDiskGeometry(long Cylinders, int Heads, int SectorsPerTrack)
{
    private const long MaxIdeCylinders = 16383;
    private const long MaxScsiCylinders = 65535;

    public static VmdkDiskGeometry For(string adapterType, ulong capacitySectors)
    {
        var ide = string.Equals(adapterType, "ide", StringComparison.OrdinalIgnoreCase);
        var heads = ide ? 16 : 255;
        const int sectorsPerTrack = 63;
        var cylinders = (long)(capacitySectors / (ulong)(heads * sectorsPerTrack));
        return new VmdkDiskGeometry(Math.Clamp(cylinders, 1, ide ? MaxIdeCylinders : MaxScsiCylinders), heads, sectorsPerTrack);
    }
}

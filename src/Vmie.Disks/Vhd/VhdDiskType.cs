namespace Vmie.Disks.Vhd;

/// <summary>The footer's "Disk Type" field (VHD specification, "Hard Disk Footer Format").</summary>
public enum VhdDiskType
{
    None = 0,
    Fixed = 2,
    Dynamic = 3,
    Differencing = 4,
}

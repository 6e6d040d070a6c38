using Vmie.Disks.Abstractions;

namespace Vmie.Disks.Vhd;

/// <summary>What both VHD writers share: the stored size.</summary>
internal static class VhdWriting
{
    /// <summary>
    /// The footer's current size for a disk: its capacity, rounded up to a whole sector (VHD sizes are counted
    /// in sectors; the padding reads as zeros). A whole number of MiB stays exact.
    /// </summary>
    public static long CurrentSizeFor(long capacity)
    {
        DiskImageLimits.CheckVirtualSize(capacity, "source");
        return (capacity + VhdFooter.SectorSize - 1) / VhdFooter.SectorSize * VhdFooter.SectorSize;
    }
}

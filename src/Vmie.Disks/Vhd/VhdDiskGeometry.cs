namespace Vmie.Disks.Vhd;

/// <summary>
/// The footer's "Disk Geometry" field: cylinders (16 bits), heads (8 bits), sectors per track (8 bits).
/// <see cref="FromCapacity"/> is the algorithm of the VHD specification's appendix "CHS Calculation".
/// </summary>
public readonly record struct VhdDiskGeometry(ushort Cylinders, byte Heads, byte SectorsPerTrack)
{
    /// <summary>The largest geometry the field can hold; readers take it to mean "too big for CHS, use the current size".</summary>
    public static readonly VhdDiskGeometry Maximum = new(65535, 16, 255);

    /// <summary>Bytes the geometry addresses (cylinders × heads × sectors × 512).</summary>
    public long Capacity => (long)Cylinders * Heads * SectorsPerTrack * VhdFooter.SectorSize;

    /// <summary>The geometry the specification prescribes for a disk of <paramref name="capacity"/> bytes (rounds down).</summary>
    public static VhdDiskGeometry FromCapacity(long capacity)
    {
        var totalSectors = Math.Min(capacity / VhdFooter.SectorSize, 65535L * 16 * 255);
        long sectorsPerTrack;
        long heads;
        long cylinderTimesHeads;
        if (totalSectors >= 65535L * 16 * 63)
        {
            sectorsPerTrack = 255;
            heads = 16;
            cylinderTimesHeads = totalSectors / sectorsPerTrack;
        }
        else
        {
            sectorsPerTrack = 17;
            cylinderTimesHeads = totalSectors / sectorsPerTrack;
            heads = Math.Max((cylinderTimesHeads + 1023) / 1024, 4);
            if (cylinderTimesHeads >= heads * 1024 || heads > 16)
            {
                sectorsPerTrack = 31;
                heads = 16;
                cylinderTimesHeads = totalSectors / sectorsPerTrack;
            }

            if (cylinderTimesHeads >= heads * 1024)
            {
                sectorsPerTrack = 63;
                heads = 16;
                cylinderTimesHeads = totalSectors / sectorsPerTrack;
            }
        }

        return new VhdDiskGeometry((ushort)(cylinderTimesHeads / heads), (byte)heads, (byte)sectorsPerTrack);
    }
}

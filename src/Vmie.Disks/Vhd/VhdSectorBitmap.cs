namespace Vmie.Disks.Vhd;

/// <summary>
/// The sector bitmap in front of each data block of a dynamic VHD (VHD specification, "Block Allocation Table
/// and Data Blocks"): one bit per sector, most significant bit first; a clear bit means the sector holds no
/// data and reads as zeros.
/// </summary>
internal static class VhdSectorBitmap
{
    /// <summary>Whether sector <paramref name="sector"/> is present; <paramref name="bitmap"/> starts at sector <paramref name="firstSector"/> &amp; ~7.</summary>
    public static bool IsSet(ReadOnlySpan<byte> bitmap, long firstSector, long sector)
    {
        var relative = sector - (firstSector & ~7L);
        return (bitmap[(int)(relative >> 3)] & (0x80 >> (int)(relative & 7))) != 0;
    }

    /// <summary>The last sector, at most <paramref name="lastSector"/>, of the run of equal bits that starts at <paramref name="sector"/>.</summary>
    public static long RunEnd(ReadOnlySpan<byte> bitmap, long firstSector, long sector, long lastSector)
    {
        var bit = IsSet(bitmap, firstSector, sector);
        var whole = bit ? (byte)0xFF : (byte)0x00;
        var end = sector;
        while (end < lastSector)
        {
            var next = end + 1;
            // Whole bytes of equal bits are skipped at once.
            if ((next & 7) == 0 && next + 7 <= lastSector && bitmap[(int)((next - (firstSector & ~7L)) >> 3)] == whole)
            {
                end = next + 7;
                continue;
            }

            if (IsSet(bitmap, firstSector, next) != bit)
            {
                break;
            }

            end = next;
        }

        return end;
    }
}

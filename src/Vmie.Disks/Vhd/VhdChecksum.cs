namespace Vmie.Disks.Vhd;

/// <summary>
/// The checksum of the VHD footer and dynamic disk header (VHD specification, "Hard Disk Footer Format",
/// field "Checksum"; "Dynamic Disk Header Format", same rule): the one's complement of the sum of every
/// byte of the structure, the checksum field itself counted as zeros.
/// </summary>
internal static class VhdChecksum
{
    public static uint Compute(ReadOnlySpan<byte> structure, int checksumOffset)
    {
        uint sum = 0;
        for (var i = 0; i < structure.Length; i++)
        {
            if (i < checksumOffset || i >= checksumOffset + 4)
            {
                sum += structure[i];
            }
        }

        return ~sum;
    }
}

namespace Vmie.Guest.Volumes.Lvm;

/// <summary>
/// LVM2's checksum over labels, metadata area headers and metadata text: the reflected CRC-32 polynomial
/// 0xEDB88320 started from 0xF597A6CF, with no final inversion (so System.IO.Hashing.Crc32 does not fit).
/// </summary>
internal static class LvmChecksum
{
    public const uint Seed = 0xF597A6CF;
    private static readonly uint[] Table = BuildTable();

    public static uint Compute(ReadOnlySpan<byte> data, uint crc = Seed)
    {
        foreach (var b in data)
        {
            crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        return crc;
    }

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            var c = i;
            for (var k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
            }

            table[i] = c;
        }

        return table;
    }
}

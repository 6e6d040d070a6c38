using System.Buffers.Binary;
using System.Numerics;

namespace Vmie.Guest.FileSystems.Ext;

/// <summary>CRC-32C (Castagnoli) as ext4's metadata_csum uses it: the running value, never inverted at the end.</summary>
internal static class ExtCrc32C
{
    public static uint Compute(uint seed, ReadOnlySpan<byte> data)
    {
        var crc = seed;
        while (data.Length >= 8)
        {
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[8..];
        }

        foreach (var value in data)
        {
            crc = BitOperations.Crc32C(crc, value);
        }

        return crc;
    }
}

using System.Buffers.Binary;
using System.Numerics;

namespace Vmie.Disks.Vhdx;

/// <summary>
/// CRC-32C (Castagnoli), the checksum of every VHDX header, region table and log entry ([MS-VHDX] 2.2.2,
/// 2.2.3, 2.3.1.1). The structure's own checksum field counts as zero while computing it.
/// System.IO.Hashing has no CRC-32C; BitOperations.Crc32C is the raw hardware step, so the usual
/// all-ones initial value and final inversion are applied here.
/// </summary>
internal static class VhdxCrc32C
{
    /// <summary>CRC-32C of <paramref name="data"/> with the 4 bytes at <paramref name="checksumOffset"/> taken as zero.</summary>
    public static uint Compute(ReadOnlySpan<byte> data, int checksumOffset)
    {
        var crc = Update(uint.MaxValue, data[..checksumOffset]);
        crc = BitOperations.Crc32C(crc, 0u);
        crc = Update(crc, data[(checksumOffset + 4)..]);
        return ~crc;
    }

    /// <summary>CRC-32C of <paramref name="data"/>.</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => ~Update(uint.MaxValue, data);

    /// <summary>True when the little-endian checksum stored at <paramref name="checksumOffset"/> matches the data.</summary>
    public static bool IsValid(ReadOnlySpan<byte> data, int checksumOffset) =>
        BinaryPrimitives.ReadUInt32LittleEndian(data[checksumOffset..]) == Compute(data, checksumOffset);

    private static uint Update(uint crc, ReadOnlySpan<byte> data)
    {
        while (data.Length >= 8)
        {
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[8..];
        }

        foreach (var b in data)
        {
            crc = BitOperations.Crc32C(crc, b);
        }

        return crc;
    }
}

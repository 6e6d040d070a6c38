using System.Buffers.Binary;
using System.Numerics;

namespace Vmie.Guest.FileSystems.Xfs;

/// <summary>
/// The CRC-32C that v5 (CRC-enabled) XFS metadata carries (XFS Algorithms and Data Structures, "Metadata
/// Integrity"): seeded with ~0 over the whole structure with its own CRC field read as zero, then inverted,
/// and stored little-endian unlike every other XFS field.
/// </summary>
internal static class XfsChecksum
{
    public static bool IsValid(ReadOnlySpan<byte> data, int crcOffset)
    {
        var crc = Update(uint.MaxValue, data[..crcOffset]);
        crc = Update(crc, [0, 0, 0, 0]);
        crc = Update(crc, data[(crcOffset + 4)..]);
        return ~crc == BinaryPrimitives.ReadUInt32LittleEndian(data[crcOffset..]);
    }

    /// <summary>Stores the CRC of <paramref name="data"/> at <paramref name="crcOffset"/> (used by tests that build structures).</summary>
    public static void Write(Span<byte> data, int crcOffset)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(data[crcOffset..], 0);
        BinaryPrimitives.WriteUInt32LittleEndian(data[crcOffset..], ~Update(uint.MaxValue, data));
    }

    private static uint Update(uint crc, ReadOnlySpan<byte> data)
    {
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

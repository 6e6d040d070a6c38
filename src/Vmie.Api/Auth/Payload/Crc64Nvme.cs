using System.Buffers.Binary;
using System.IO.Hashing;

namespace Vmie.Api.Auth.Payload;

/// <summary>
/// CRC-64/NVME (polynomial 0xAD93D23594C93659, reflected, initial value and final XOR all ones), the checksum
/// S3 calls CRC64NVME. System.IO.Hashing's Crc64 is the unreflected ECMA-182 variant, a different checksum.
/// Slice-by-8 table driven. <see cref="NonCryptographicHashAlgorithm.GetCurrentHash()"/> emits the value
/// big-endian, the byte order S3 encodes in x-amz-checksum-crc64nvme.
/// </summary>
public sealed class Crc64Nvme : NonCryptographicHashAlgorithm
{
    private const ulong Polynomial = 0xAD93D23594C93659;
    private static readonly ulong[] Table = CreateSliceBy8Table();

    private ulong _state = ulong.MaxValue;

    public Crc64Nvme()
        : base(sizeof(ulong))
    {
    }

    public override void Append(ReadOnlySpan<byte> source) => _state = Update(_state, source);

    public override void Reset() => _state = ulong.MaxValue;

    public ulong GetCurrentHashAsUInt64() => ~_state;

    /// <summary>Computes the CRC-64/NVME of <paramref name="source"/> in one call.</summary>
    public static ulong HashToUInt64(ReadOnlySpan<byte> source) => ~Update(ulong.MaxValue, source);

    protected override void GetCurrentHashCore(Span<byte> destination) =>
        BinaryPrimitives.WriteUInt64BigEndian(destination, ~_state);

    private static ulong Update(ulong crc, ReadOnlySpan<byte> source)
    {
        var table = Table;
        while (source.Length >= 8)
        {
            crc ^= BinaryPrimitives.ReadUInt64LittleEndian(source);
            crc = table[(7 * 256) + (crc & 0xFF)]
                ^ table[(6 * 256) + ((crc >> 8) & 0xFF)]
                ^ table[(5 * 256) + ((crc >> 16) & 0xFF)]
                ^ table[(4 * 256) + ((crc >> 24) & 0xFF)]
                ^ table[(3 * 256) + ((crc >> 32) & 0xFF)]
                ^ table[(2 * 256) + ((crc >> 40) & 0xFF)]
                ^ table[256 + ((crc >> 48) & 0xFF)]
                ^ table[crc >> 56];
            source = source[8..];
        }

        foreach (var b in source)
        {
            crc = table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        return crc;
    }

    private static ulong[] CreateSliceBy8Table()
    {
        var reflected = ReverseBits(Polynomial);
        var table = new ulong[8 * 256];
        for (ulong i = 0; i < 256; i++)
        {
            var crc = i;
            for (var bit = 0; bit < 8; bit++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ reflected : crc >> 1;
            }

            table[i] = crc;
        }

        for (var slice = 1; slice < 8; slice++)
        {
            for (var i = 0; i < 256; i++)
            {
                var previous = table[((slice - 1) * 256) + i];
                table[(slice * 256) + i] = (previous >> 8) ^ table[previous & 0xFF];
            }
        }

        return table;
    }

    private static ulong ReverseBits(ulong value)
    {
        ulong result = 0;
        for (var i = 0; i < 64; i++)
        {
            result = (result << 1) | (value & 1);
            value >>= 1;
        }

        return result;
    }
}

using System.Buffers.Binary;
using System.IO.Hashing;
using System.Runtime.InteropServices;
using ArmCrc32 = System.Runtime.Intrinsics.Arm.Crc32;
using X86Sse42 = System.Runtime.Intrinsics.X86.Sse42;

namespace Vmie.Api.Auth.Payload;

/// <summary>
/// CRC-32C (Castagnoli: reflected polynomial 0x82F63B78, initial value and final XOR 0xFFFFFFFF), the
/// checksum S3 calls CRC32C. System.IO.Hashing 10 only offers the IEEE CRC-32, hence this class.
/// Uses the SSE4.2 / ARMv8 CRC32C instructions when the CPU has them, a slice-by-8 table otherwise.
/// <see cref="NonCryptographicHashAlgorithm.GetCurrentHash()"/> emits the value big-endian, the byte order
/// S3 encodes in x-amz-checksum-crc32c.
/// </summary>
public sealed class Crc32C : NonCryptographicHashAlgorithm
{
    private const uint ReflectedPolynomial = 0x82F63B78;
    private static readonly uint[] Table = CreateSliceBy8Table();

    private uint _state = uint.MaxValue;

    public Crc32C()
        : base(sizeof(uint))
    {
    }

    public override void Append(ReadOnlySpan<byte> source) => _state = Update(_state, source);

    public override void Reset() => _state = uint.MaxValue;

    public uint GetCurrentHashAsUInt32() => ~_state;

    /// <summary>Computes the CRC-32C of <paramref name="source"/> in one call.</summary>
    public static uint HashToUInt32(ReadOnlySpan<byte> source) => ~Update(uint.MaxValue, source);

    protected override void GetCurrentHashCore(Span<byte> destination) =>
        BinaryPrimitives.WriteUInt32BigEndian(destination, ~_state);

    private static uint Update(uint crc, ReadOnlySpan<byte> source)
    {
        if (X86Sse42.X64.IsSupported)
        {
            var words = MemoryMarshal.Cast<byte, ulong>(source);
            ulong wide = crc;
            foreach (var word in words)
            {
                wide = X86Sse42.X64.Crc32(wide, BitConverter.IsLittleEndian ? word : BinaryPrimitives.ReverseEndianness(word));
            }

            crc = (uint)wide;
            foreach (var b in source[(words.Length * sizeof(ulong))..])
            {
                crc = X86Sse42.Crc32(crc, b);
            }

            return crc;
        }

        if (ArmCrc32.Arm64.IsSupported)
        {
            var words = MemoryMarshal.Cast<byte, ulong>(source);
            foreach (var word in words)
            {
                crc = ArmCrc32.Arm64.ComputeCrc32C(crc, BitConverter.IsLittleEndian ? word : BinaryPrimitives.ReverseEndianness(word));
            }

            foreach (var b in source[(words.Length * sizeof(ulong))..])
            {
                crc = ArmCrc32.ComputeCrc32C(crc, b);
            }

            return crc;
        }

        return UpdateWithTable(crc, source);
    }

    /// <summary>The portable path; internal so tests can compare it with the hardware path.</summary>
    internal static uint UpdateWithTable(uint crc, ReadOnlySpan<byte> source)
    {
        var table = Table;
        while (source.Length >= 8)
        {
            var low = BinaryPrimitives.ReadUInt32LittleEndian(source) ^ crc;
            var high = BinaryPrimitives.ReadUInt32LittleEndian(source[4..]);
            crc = table[(7 * 256) + (low & 0xFF)]
                ^ table[(6 * 256) + ((low >> 8) & 0xFF)]
                ^ table[(5 * 256) + ((low >> 16) & 0xFF)]
                ^ table[(4 * 256) + (low >> 24)]
                ^ table[(3 * 256) + (high & 0xFF)]
                ^ table[(2 * 256) + ((high >> 8) & 0xFF)]
                ^ table[256 + ((high >> 16) & 0xFF)]
                ^ table[high >> 24];
            source = source[8..];
        }

        foreach (var b in source)
        {
            crc = table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        return crc;
    }

    private static uint[] CreateSliceBy8Table()
    {
        var table = new uint[8 * 256];
        for (uint i = 0; i < 256; i++)
        {
            var crc = i;
            for (var bit = 0; bit < 8; bit++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ ReflectedPolynomial : crc >> 1;
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
}

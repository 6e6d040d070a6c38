using System.Buffers.Binary;
using System.IO.Hashing;
using System.Numerics;

namespace Vmie.Storage.Checksums;

/// <summary>
/// CRC-32C (Castagnoli: reflected polynomial 0x82F63B78, initial value and final XOR all ones), the checksum
/// S3 calls CRC32C; System.IO.Hashing 10 only offers the IEEE CRC-32. BitOperations.Crc32C uses the SSE4.2 /
/// ARMv8 CRC32C instruction where the CPU has one (as fast as calling the intrinsics directly) and a table
/// otherwise. <see cref="NonCryptographicHashAlgorithm.GetCurrentHash()"/> emits the value big-endian, the
/// byte order S3 encodes in x-amz-checksum-crc32c.
/// </summary>
public sealed class Crc32C : NonCryptographicHashAlgorithm
{
    public const uint ReflectedPolynomial = 0x82F63B78;

    private uint _register = uint.MaxValue;

    public Crc32C()
        : base(sizeof(uint))
    {
    }

    public uint GetCurrentHashAsUInt32() => ~_register;

    /// <summary>Computes the CRC-32C of <paramref name="data"/> in one call.</summary>
    public static uint HashToUInt32(ReadOnlySpan<byte> data) => ~Update(uint.MaxValue, data);

    public override void Append(ReadOnlySpan<byte> source) => _register = Update(_register, source);

    public override void Reset() => _register = uint.MaxValue;

    protected override void GetCurrentHashCore(Span<byte> destination) =>
        BinaryPrimitives.WriteUInt32BigEndian(destination, ~_register);

    private static uint Update(uint register, ReadOnlySpan<byte> data)
    {
        while (data.Length >= sizeof(ulong))
        {
            register = BitOperations.Crc32C(register, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[sizeof(ulong)..];
        }

        foreach (var value in data)
        {
            register = BitOperations.Crc32C(register, value);
        }

        return register;
    }
}

using System.Buffers.Binary;
using System.IO.Hashing;
using System.Numerics;

namespace Vmie.Storage.Objects.Checksums;

/// <summary>
/// CRC-32C (Castagnoli), as S3's x-amz-checksum-crc32c. BitOperations.Crc32C uses the CPU's CRC
/// instruction where there is one and a table otherwise. The hash bytes are big-endian, as S3 encodes them.
/// </summary>
public sealed class Crc32C : NonCryptographicHashAlgorithm
{
    private uint _register = uint.MaxValue;

    public Crc32C()
        : base(sizeof(uint))
    {
    }

    public uint GetCurrentHashAsUInt32() => ~_register;

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

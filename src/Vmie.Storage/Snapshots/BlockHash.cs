using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Vmie.Storage.Snapshots;

/// <summary>The SHA-256 of a block's bytes: its name in the store. A value type so pin tables and caches stay allocation-free.</summary>
internal readonly record struct BlockHash(ulong Part0, ulong Part1, ulong Part2, ulong Part3)
{
    public const int Size = 32;

    public const int HexLength = Size * 2;

    public static BlockHash Compute(ReadOnlySpan<byte> data)
    {
        Span<byte> digest = stackalloc byte[Size];
        SHA256.HashData(data, digest);
        return FromBytes(digest);
    }

    public static BlockHash FromBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Size)
        {
            throw new ArgumentException($"A block hash is {Size} bytes, not {bytes.Length}.", nameof(bytes));
        }

        return new BlockHash(
            BinaryPrimitives.ReadUInt64BigEndian(bytes),
            BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]),
            BinaryPrimitives.ReadUInt64BigEndian(bytes[16..]),
            BinaryPrimitives.ReadUInt64BigEndian(bytes[24..]));
    }

    public static bool TryParseHex(ReadOnlySpan<char> hex, out BlockHash hash)
    {
        hash = default;
        if (hex.Length != HexLength)
        {
            return false;
        }

        // Only lowercase names are ours; anything else in the block directories is left alone.
        foreach (var c in hex)
        {
            if (!char.IsAsciiDigit(c) && c is not (>= 'a' and <= 'f'))
            {
                return false;
            }
        }

        Span<byte> bytes = stackalloc byte[Size];
        if (Convert.FromHexString(hex, bytes, out _, out var written) != System.Buffers.OperationStatus.Done || written != Size)
        {
            return false;
        }

        hash = FromBytes(bytes);
        return true;
    }

    public void WriteTo(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64BigEndian(destination, Part0);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], Part1);
        BinaryPrimitives.WriteUInt64BigEndian(destination[16..], Part2);
        BinaryPrimitives.WriteUInt64BigEndian(destination[24..], Part3);
    }

    public byte[] ToArray()
    {
        var bytes = new byte[Size];
        WriteTo(bytes);
        return bytes;
    }

    public string ToHex()
    {
        Span<byte> bytes = stackalloc byte[Size];
        WriteTo(bytes);
        return Convert.ToHexStringLower(bytes);
    }

    public override string ToString() => ToHex();
}

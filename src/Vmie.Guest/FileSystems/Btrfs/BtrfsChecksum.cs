using System.Buffers.Binary;
using System.IO.Hashing;
using System.Numerics;
using System.Security.Cryptography;

namespace Vmie.Guest.FileSystems.Btrfs;

/// <summary>
/// Metadata checksums (Btrfs on-disk format, superblock csum_type): a block's checksum covers every byte after
/// its 32-byte checksum field. crc32c, xxhash64 and sha256 are verified; blake2b is accepted unverified
/// (.NET has no BLAKE2), which <see cref="BtrfsFileSystem.MetadataChecksumsVerified"/> reports.
/// </summary>
internal static class BtrfsChecksum
{
    public const int FieldSize = 32;

    public static string Name(ushort type) => type switch
    {
        0 => "crc32c",
        1 => "xxhash64",
        2 => "sha256",
        3 => "blake2b",
        _ => $"unknown ({type})",
    };

    public static bool IsKnown(ushort type) => type <= 3;

    public static bool CanVerify(ushort type) => type <= 2;

    /// <summary>True when the block's stored checksum matches its content, or the type cannot be verified here.</summary>
    public static bool Matches(ushort type, ReadOnlySpan<byte> block)
    {
        var stored = block[..FieldSize];
        var covered = block[FieldSize..];
        switch (type)
        {
            case 0:
                return BinaryPrimitives.ReadUInt32LittleEndian(stored) == Crc32C(covered);
            case 1:
                return BinaryPrimitives.ReadUInt64LittleEndian(stored) == XxHash64.HashToUInt64(covered);
            case 2:
                Span<byte> digest = stackalloc byte[32];
                SHA256.HashData(covered, digest);
                return stored.SequenceEqual(digest);
            default:
                return true;
        }
    }

    /// <summary>CRC-32C as Btrfs checksums blocks: seed all ones, result inverted.</summary>
    public static uint Crc32C(ReadOnlySpan<byte> data) => ~Crc32CRaw(uint.MaxValue, data);

    /// <summary>The hash in a DIR_ITEM key: the raw CRC-32C of the name with seed ~1, not inverted.</summary>
    public static ulong NameHash(ReadOnlySpan<byte> name) => Crc32CRaw(~1u, name);

    private static uint Crc32CRaw(uint crc, ReadOnlySpan<byte> data)
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

using System.Buffers.Binary;
using System.Numerics;
using Vmie.Disks.Abstractions;

namespace Vmie.Disks.Vhd;

/// <summary>
/// The 1024-byte dynamic disk header (VHD specification, "Dynamic Disk Header Format"), at the footer's
/// data offset: where the block allocation table is, how many entries it has, and the block size.
/// Parent fields (differencing disks) are not kept: vmie refuses differencing disks before reading them.
/// </summary>
public sealed record VhdDynamicHeader
{
    public const int Size = 1024;

    /// <summary>Block sizes vmie accepts: powers of two from one sector to 256 MiB (the default is 2 MiB).</summary>
    public const uint MinBlockSize = VhdFooter.SectorSize;
    public const uint MaxBlockSize = 256u << 20;
    public const uint DefaultBlockSize = 2u << 20;

    private const int ChecksumOffset = 36;
    private const uint HeaderVersion = 0x00010000;

    public static ReadOnlySpan<byte> Cookie => "cxsparse"u8;

    /// <summary>Absolute byte offset of the block allocation table.</summary>
    public required ulong TableOffset { get; init; }

    public required uint MaxTableEntries { get; init; }

    /// <summary>Bytes of data per block, the sector bitmap in front of it not included.</summary>
    public required uint BlockSize { get; init; }

    /// <summary>Bytes of the sector bitmap in front of each block: one bit per sector, padded to a whole sector.</summary>
    public int BitmapSize => BitmapSizeFor(BlockSize);

    /// <summary>Bytes the block allocation table occupies on disk (padded to a whole sector).</summary>
    public long TableSize => TableSizeFor(MaxTableEntries);

    public static int BitmapSizeFor(uint blockSize) =>
        (int)(((((blockSize / VhdFooter.SectorSize) + 7) / 8) + VhdFooter.SectorSize - 1) / VhdFooter.SectorSize * VhdFooter.SectorSize);

    public static long TableSizeFor(uint entries) =>
        ((4L * entries) + VhdFooter.SectorSize - 1) / VhdFooter.SectorSize * VhdFooter.SectorSize;

    /// <summary>Parses and checks the header: cookie, checksum, block size.</summary>
    public static VhdDynamicHeader Parse(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < Size || !bytes.StartsWith(Cookie))
        {
            throw new InvalidDiskImageException("The VHD dynamic disk header does not start with the cookie \"cxsparse\".");
        }

        bytes = bytes[..Size];
        var stored = BinaryPrimitives.ReadUInt32BigEndian(bytes[ChecksumOffset..]);
        var computed = VhdChecksum.Compute(bytes, ChecksumOffset);
        if (stored != computed)
        {
            throw new InvalidDiskImageException($"The VHD dynamic disk header has checksum 0x{stored:x8} but its bytes sum to 0x{computed:x8}.");
        }

        var header = new VhdDynamicHeader
        {
            TableOffset = BinaryPrimitives.ReadUInt64BigEndian(bytes[16..]),
            MaxTableEntries = BinaryPrimitives.ReadUInt32BigEndian(bytes[28..]),
            BlockSize = BinaryPrimitives.ReadUInt32BigEndian(bytes[32..]),
        };

        if (header.BlockSize < MinBlockSize || header.BlockSize > MaxBlockSize || !BitOperations.IsPow2(header.BlockSize))
        {
            throw new InvalidDiskImageException($"The VHD dynamic disk header declares a block size of {header.BlockSize} bytes; it must be a power of two from {MinBlockSize} bytes to 256 MiB.");
        }

        return header;
    }

    /// <summary>Writes the header, checksum included, into the first 1024 bytes of <paramref name="destination"/>.</summary>
    public void WriteTo(Span<byte> destination)
    {
        var bytes = destination[..Size];
        bytes.Clear();
        Cookie.CopyTo(bytes);
        BinaryPrimitives.WriteUInt64BigEndian(bytes[8..], VhdFooter.NoDataOffset);
        BinaryPrimitives.WriteUInt64BigEndian(bytes[16..], TableOffset);
        BinaryPrimitives.WriteUInt32BigEndian(bytes[24..], HeaderVersion);
        BinaryPrimitives.WriteUInt32BigEndian(bytes[28..], MaxTableEntries);
        BinaryPrimitives.WriteUInt32BigEndian(bytes[32..], BlockSize);
        BinaryPrimitives.WriteUInt32BigEndian(bytes[ChecksumOffset..], VhdChecksum.Compute(bytes, ChecksumOffset));
    }
}

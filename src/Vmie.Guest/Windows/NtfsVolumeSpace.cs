using System.Buffers;
using System.Buffers.Binary;
using System.Numerics;
using Vmie.Guest.FileSystems;

namespace Vmie.Guest.Windows;

/// <summary>
/// The total and free space of an NTFS volume, read through its metadata files as any file: $Boot (the boot
/// sector: bytes per sector at 0x0B, sectors per cluster at 0x0D, total sectors at 0x28) gives the cluster
/// count, and $Bitmap holds one bit per cluster, set when the cluster is in use. Only the bits of real clusters
/// count: the bitmap is padded to a multiple of 8 bytes.
/// </summary>
public static class NtfsVolumeSpace
{
    private const int ChunkBytes = 1 << 20;

    /// <summary>The space of the volume, or null when it is not NTFS (its file system type is not "ntfs" or it lacks $Boot/$Bitmap).</summary>
    public static async ValueTask<VolumeSpace?> ReadAsync(GuestFiles volume, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(volume);
        if (!string.Equals(volume.FileSystem.Type, "ntfs", StringComparison.Ordinal))
        {
            return null;
        }

        var boot = await volume.FindAsync("/$Boot", cancellationToken: cancellationToken).ConfigureAwait(false);
        var bitmap = await volume.FindAsync("/$Bitmap", cancellationToken: cancellationToken).ConfigureAwait(false);
        if (boot is not { Kind: GuestNodeKind.File } || bitmap is not { Kind: GuestNodeKind.File })
        {
            return null;
        }

        var sector = new byte[512];
        await ReadExactAsync(volume.FileSystem, boot, 0, sector, "$Boot", cancellationToken).ConfigureAwait(false);
        var (clusterSize, clusterCount) = Geometry(sector);
        var bitmapBytes = (clusterCount + 7) / 8;
        if (bitmap.Size < bitmapBytes)
        {
            throw new CorruptFileSystemException($"NTFS $Bitmap holds {bitmap.Size} bytes; {clusterCount} clusters need {bitmapBytes}.");
        }

        long used = 0;
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        try
        {
            for (long offset = 0; offset < bitmapBytes; offset += ChunkBytes)
            {
                var count = (int)Math.Min(ChunkBytes, bitmapBytes - offset);
                await ReadExactAsync(volume.FileSystem, bitmap, offset, buffer.AsMemory(0, count), "$Bitmap", cancellationToken).ConfigureAwait(false);
                var last = offset + count == bitmapBytes;
                used += CountSetBits(buffer.AsSpan(0, count), last ? (int)(clusterCount % 8) : 0);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return new VolumeSpace(clusterCount * clusterSize, (clusterCount - used) * clusterSize);
    }

    /// <summary>Cluster size and count from the boot sector, checked as the NTFS reader checks them.</summary>
    private static (long ClusterSize, long ClusterCount) Geometry(ReadOnlySpan<byte> sector)
    {
        if (!sector.Slice(3, 8).SequenceEqual("NTFS    "u8))
        {
            throw new CorruptFileSystemException("NTFS $Boot does not start with an NTFS boot sector.");
        }

        int bytesPerSector = BinaryPrimitives.ReadUInt16LittleEndian(sector[0x0B..]);
        var code = sector[0x0D];
        var shift = 256 - code;
        long clusterSize = code <= 0x80 ? (long)code * bytesPerSector : shift < 31 ? (long)bytesPerSector << shift : 0;
        var totalSectors = BinaryPrimitives.ReadInt64LittleEndian(sector[0x28..]);
        if (bytesPerSector is < 256 or > 4096 || clusterSize <= 0 || !long.IsPow2(clusterSize) || clusterSize > (2 << 20)
            || totalSectors <= 0 || totalSectors > long.MaxValue / bytesPerSector)
        {
            throw new CorruptFileSystemException($"NTFS $Boot: unusable geometry ({bytesPerSector} bytes per sector, cluster code 0x{code:X2}, {totalSectors} sectors).");
        }

        return (clusterSize, totalSectors * bytesPerSector / clusterSize);
    }

    /// <summary>Set bits of <paramref name="bytes"/>; of the last byte only the low <paramref name="lastBits"/> bits when not 0.</summary>
    private static long CountSetBits(ReadOnlySpan<byte> bytes, int lastBits)
    {
        long count = 0;
        var whole = lastBits == 0 ? bytes.Length : bytes.Length - 1;
        var i = 0;
        for (; i + 8 <= whole; i += 8)
        {
            count += BitOperations.PopCount(BinaryPrimitives.ReadUInt64LittleEndian(bytes[i..]));
        }

        for (; i < whole; i++)
        {
            count += BitOperations.PopCount(bytes[i]);
        }

        if (lastBits != 0)
        {
            count += BitOperations.PopCount((uint)(bytes[^1] & ((1 << lastBits) - 1)));
        }

        return count;
    }

    private static async ValueTask ReadExactAsync(IGuestFileSystem fileSystem, GuestNode node, long offset, Memory<byte> buffer, string what, CancellationToken cancellationToken)
    {
        var filled = 0;
        while (filled < buffer.Length)
        {
            var read = await fileSystem.ReadAsync(node, offset + filled, buffer[filled..], cancellationToken).ConfigureAwait(false);
            if (read <= 0)
            {
                throw new CorruptFileSystemException($"NTFS {what} ends at byte {offset + filled}, before the {buffer.Length} bytes wanted from {offset}.");
            }

            filled += read;
        }
    }
}

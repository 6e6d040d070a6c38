using System.Buffers.Binary;
using Vmie.Disks.Abstractions;
using Vmie.Guest.Volumes.Probing;

namespace Vmie.Guest.Inspection;

/// <summary>
/// Free bytes of a root file system from its superblock counters, for the 250 MiB check (spec §5.2 item 3).
/// ext2/3/4: s_log_block_size at 0x18, s_free_blocks_count_lo at 0x0C, _hi at 0x158 when INCOMPAT_64BIT (0x80) is
/// set in s_feature_incompat at 0x60, minus the reserved blocks (0x08, 0x154), as df shows it (ext4 disk layout,
/// "The Super Block"). XFS: sb_blocksize at 4 and sb_fdblocks at 144, big-endian (XFS on-disk format, "Superblocks").
/// The counters are as of the last clean unmount: good enough for a warning.
/// </summary>
public static class FreeSpaceProbe
{
    public static async ValueTask<long?> FreeBytesAsync(IBlockSource volume, VolumeContentKind kind, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(volume);
        switch (kind)
        {
            case VolumeContentKind.Ext2 or VolumeContentKind.Ext3 or VolumeContentKind.Ext4:
                {
                    var sb = new byte[1024];
                    if (await ReadFullyAsync(volume, 1024, sb, cancellationToken).ConfigureAwait(false) < sb.Length)
                    {
                        return null;
                    }

                    var logBlockSize = BinaryPrimitives.ReadUInt32LittleEndian(sb.AsSpan(0x18));
                    if (logBlockSize > 6)
                    {
                        return null;
                    }

                    var is64Bit = (BinaryPrimitives.ReadUInt32LittleEndian(sb.AsSpan(0x60)) & 0x80) != 0;
                    var free = (ulong)BinaryPrimitives.ReadUInt32LittleEndian(sb.AsSpan(0x0C));
                    var reserved = (ulong)BinaryPrimitives.ReadUInt32LittleEndian(sb.AsSpan(0x08));
                    if (is64Bit)
                    {
                        free |= (ulong)BinaryPrimitives.ReadUInt32LittleEndian(sb.AsSpan(0x158)) << 32;
                        reserved |= (ulong)BinaryPrimitives.ReadUInt32LittleEndian(sb.AsSpan(0x154)) << 32;
                    }

                    var available = free > reserved ? free - reserved : 0;
                    return Clamp(available, 1024L << (int)logBlockSize, volume.Length);
                }

            case VolumeContentKind.Xfs:
                {
                    var sb = new byte[152];
                    if (await ReadFullyAsync(volume, 0, sb, cancellationToken).ConfigureAwait(false) < sb.Length)
                    {
                        return null;
                    }

                    var blockSize = BinaryPrimitives.ReadUInt32BigEndian(sb.AsSpan(4));
                    if (blockSize is < 512 or > 65536)
                    {
                        return null;
                    }

                    return Clamp(BinaryPrimitives.ReadUInt64BigEndian(sb.AsSpan(144)), blockSize, volume.Length);
                }

            default:
                return null;
        }
    }

    /// <summary>A hostile counter cannot claim more than the volume holds.</summary>
    private static long Clamp(ulong blocks, long blockSize, long volumeLength) =>
        blocks > (ulong)(volumeLength / blockSize) ? volumeLength : (long)blocks * blockSize;

    private static async ValueTask<int> ReadFullyAsync(IBlockSource source, long offset, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            var read = await source.ReadAtAsync(offset + total, buffer[total..], cancellationToken).ConfigureAwait(false);
            if (read <= 0)
            {
                break;
            }

            total += read;
        }

        return total;
    }
}

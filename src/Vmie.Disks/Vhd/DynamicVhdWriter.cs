using System.Buffers.Binary;
using System.Collections;
using System.Numerics;
using Vmie.Disks.Abstractions;
using Vmie.Disks.Writing;

namespace Vmie.Disks.Vhd;

/// <summary>
/// Writes a dynamic VHD (VHD specification, "Dynamic Hard Disk Image") sequentially, so the output may be a
/// non-seekable stream such as a multipart upload. Layout, as qemu and Hyper-V write it: footer copy at 0,
/// dynamic disk header at 512, block allocation table at 1536, the data blocks in ascending order (each a
/// sector bitmap with every bit set, then the block), then the footer.
/// </summary>
/// <remarks>
/// The table comes before the blocks yet must name only blocks holding non-zero data, so a first pass reads
/// the source's allocated extents to find those blocks (holes are not read); the second pass writes. The
/// source is therefore read twice where it has data; memory stays at one bit per block plus a 1 MiB buffer.
/// </remarks>
public static class DynamicVhdWriter
{
    public const uint MinBlockSize = 64 * 1024;

    private const int ChunkSize = 1 << 20;
    private const long HeaderOffset = VhdFooter.Size;
    private const long TableOffset = HeaderOffset + VhdDynamicHeader.Size;

    /// <summary>Writes <paramref name="disk"/> to <paramref name="output"/>; returns the bytes written.</summary>
    public static async Task<long> WriteAsync(IVirtualDisk disk, Stream output, VhdWriteOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(disk);
        ArgumentNullException.ThrowIfNull(output);
        options ??= new VhdWriteOptions();
        var blockSize = options.BlockSize;
        if (blockSize < MinBlockSize || blockSize > VhdDynamicHeader.MaxBlockSize || !BitOperations.IsPow2(blockSize))
        {
            throw new ArgumentException($"A dynamic VHD block size must be a power of two from 64 KiB to 256 MiB, not {blockSize}.", nameof(options));
        }

        var size = VhdWriting.CurrentSizeFor(disk.Capacity);
        var entries = (size + blockSize - 1) / blockSize;
        var header = new VhdDynamicHeader { TableOffset = TableOffset, MaxTableEntries = (uint)entries, BlockSize = blockSize };
        var footer = options.CreateFooter(size, VhdDiskType.Dynamic, HeaderOffset);

        var buffer = new byte[ChunkSize];
        var used = await BlocksWithData.FindAsync(disk, blockSize, (int)entries, buffer, cancellationToken).ConfigureAwait(false);
        var usedCount = BlocksWithData.Count(used);
        var firstBlock = TableOffset + header.TableSize;
        var stride = (long)header.BitmapSize + blockSize;
        if ((firstBlock + (usedCount * stride)) / VhdFooter.SectorSize > uint.MaxValue)
        {
            // Table entries are 32-bit sector numbers: no block can start past 2 TiB of file.
            throw new NotSupportedException($"The disk holds {usedCount} blocks of data, more than a dynamic VHD can address (2 TiB of file).");
        }

        var footerBytes = new byte[VhdFooter.Size];
        footer.WriteTo(footerBytes);
        var headerBytes = new byte[VhdDynamicHeader.Size];
        header.WriteTo(headerBytes);
        await output.WriteAsync(footerBytes, cancellationToken).ConfigureAwait(false);
        await output.WriteAsync(headerBytes, cancellationToken).ConfigureAwait(false);
        await WriteTableAsync(output, used, header.TableSize, firstBlock, stride, buffer, cancellationToken).ConfigureAwait(false);

        var bitmap = new byte[header.BitmapSize];
        bitmap.AsSpan().Fill(0xFF);
        for (var block = 0; block < used.Length; block++)
        {
            if (used[block])
            {
                await output.WriteAsync(bitmap, cancellationToken).ConfigureAwait(false);
                await SequentialOutput.CopyAsync(disk, (long)block * blockSize, blockSize, output, buffer, cancellationToken).ConfigureAwait(false);
            }
        }

        await output.WriteAsync(footerBytes, cancellationToken).ConfigureAwait(false);
        return firstBlock + (usedCount * stride) + VhdFooter.Size;
    }

    private static async Task WriteTableAsync(Stream output, BitArray used, long tableSize, long firstBlock, long stride, byte[] buffer, CancellationToken cancellationToken)
    {
        // Unused entries, and the padding to a whole sector, are 0xFFFFFFFF.
        var nextBlock = firstBlock;
        long written = 0;
        var entry = 0;
        while (written < tableSize)
        {
            var chunk = (int)Math.Min(buffer.Length, tableSize - written);
            for (var i = 0; i < chunk; i += 4, entry++)
            {
                var value = VhdBlockAllocationTable.Unused;
                if (entry < used.Length && used[entry])
                {
                    value = (uint)(nextBlock / VhdFooter.SectorSize);
                    nextBlock += stride;
                }

                BinaryPrimitives.WriteUInt32BigEndian(buffer.AsSpan(i), value);
            }

            await output.WriteAsync(buffer.AsMemory(0, chunk), cancellationToken).ConfigureAwait(false);
            written += chunk;
        }
    }
}

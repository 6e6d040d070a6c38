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
/// The table comes before the blocks yet must name only blocks holding non-zero data. To a seekable output
/// (a local file) one pass does it: room is left for the table, each block an allocated extent touches is
/// read once (read ahead, overlapping the writes) and written unless all zeros, then the table is written
/// in its place. To a non-seekable output a first pass reads the source's allocated extents to find those
/// blocks (holes are not read) and the second writes. Both give the same bytes. Memory stays at one bit per
/// block plus a few chunk buffers.
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

        var firstBlock = TableOffset + header.TableSize;
        var stride = (long)header.BitmapSize + blockSize;
        var footerBytes = new byte[VhdFooter.Size];
        footer.WriteTo(footerBytes);
        var headerBytes = new byte[VhdDynamicHeader.Size];
        header.WriteTo(headerBytes);
        var bitmap = new byte[header.BitmapSize];
        bitmap.AsSpan().Fill(0xFF);
        var buffer = new byte[ChunkSize];

        var start = output.CanSeek ? output.Position : 0;
        BitArray used;
        long usedCount = 0;
        if (output.CanSeek)
        {
            // One pass: the table's room is left, each block touched by data is read once and written unless
            // all zeros, then the table is filled in.
            await output.WriteAsync(footerBytes, cancellationToken).ConfigureAwait(false);
            await output.WriteAsync(headerBytes, cancellationToken).ConfigureAwait(false);
            output.Position = start + firstBlock;
            used = new BitArray((int)entries);
            var blocks = BlocksWithData.TouchedAsync(disk, blockSize, entries, cancellationToken);
            await BlockCopier.CopyAsync(disk, blocks, blockSize, bitmap, skipZeroBlocks: true, output, block =>
            {
                CheckAddressable(firstBlock, usedCount + 1, stride);
                used[(int)block] = true;
                usedCount++;
            }, done: null, cancellationToken).ConfigureAwait(false);

            output.Position = start + TableOffset;
            await WriteTableAsync(output, used, header.TableSize, firstBlock, stride, buffer, cancellationToken).ConfigureAwait(false);
            output.Position = start + firstBlock + (usedCount * stride);
        }
        else
        {
            // Two passes: the table goes out before the blocks, so which blocks hold data is found first.
            used = await BlocksWithData.FindAsync(disk, blockSize, (int)entries, buffer, cancellationToken).ConfigureAwait(false);
            usedCount = BlocksWithData.Count(used);
            CheckAddressable(firstBlock, usedCount, stride);
            await output.WriteAsync(footerBytes, cancellationToken).ConfigureAwait(false);
            await output.WriteAsync(headerBytes, cancellationToken).ConfigureAwait(false);
            await WriteTableAsync(output, used, header.TableSize, firstBlock, stride, buffer, cancellationToken).ConfigureAwait(false);
            await BlockCopier.CopyAsync(disk, BlocksWithData.ListAsync(used), blockSize, bitmap, skipZeroBlocks: false, output, _ => { }, done: null, cancellationToken).ConfigureAwait(false);
        }

        await output.WriteAsync(footerBytes, cancellationToken).ConfigureAwait(false);
        return firstBlock + (usedCount * stride) + VhdFooter.Size;
    }

    /// <summary>Table entries are 32-bit sector numbers: no block can start past 2 TiB of file.</summary>
    private static void CheckAddressable(long firstBlock, long usedCount, long stride)
    {
        if ((firstBlock + (usedCount * stride)) / VhdFooter.SectorSize > uint.MaxValue)
        {
            throw new NotSupportedException($"The disk holds {usedCount} blocks of data, more than a dynamic VHD can address (2 TiB of file).");
        }
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

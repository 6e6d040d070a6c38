using System.Buffers.Binary;
using System.Collections;
using System.Numerics;
using Vmie.Disks.Abstractions;
using Vmie.Disks.Writing;

namespace Vmie.Disks.Vhdx;

/// <summary>
/// Writes a dynamic VHDX ([MS-VHDX]) sequentially, so the output may be a non-seekable stream such as a
/// multipart upload. Layout: file type identifier (creator "vmie") at 0, the two headers at 64 KiB and
/// 128 KiB, the two region tables at 192 KiB and 256 KiB, an empty 1 MiB log at 1 MiB (LogGuid zero, so
/// nothing is replayed), the metadata region at 2 MiB, the BAT at 3 MiB, then the payload blocks holding
/// data in ascending order, each on a 1 MiB boundary.
/// </summary>
/// <remarks>
/// The BAT precedes the blocks yet must name only blocks with non-zero data. To a seekable output (a local
/// file) one pass does it: room is left for the BAT, each block an allocated extent touches is read once
/// (read ahead, overlapping the writes) and written unless all zeros, then the BAT is written in its place.
/// To a non-seekable output a first pass reads the source's allocated extents to find those blocks (holes
/// are not read) and the second writes (as the dynamic VHD writer does); both give the same bytes. Blocks without data are NOT_PRESENT, as in a new Hyper-V dynamic disk, and so are all
/// sector-bitmap entries (they only matter for differencing disks). The last block is written whole,
/// zero-padded past the virtual size, so every fully present block lies entirely inside the file.
/// </remarks>
public static class DynamicVhdxWriter
{
    private const long Alignment = VhdxRegionTable.Alignment;
    private const long LogOffset = Alignment;
    private const long LogLength = Alignment;
    private const long MetadataOffset = LogOffset + LogLength;
    private const long MetadataLength = Alignment;
    private const long BatOffset = MetadataOffset + MetadataLength;
    private const int LogicalSectorSize = 512;
    private const int PhysicalSectorSize = 4096;
    private const int BufferSize = 1 << 20;

    /// <summary>
    /// Writes <paramref name="disk"/> to <paramref name="output"/>; returns the bytes written. The virtual
    /// size is the disk's capacity rounded up to a whole 512-byte sector ([MS-VHDX] 2.6.2.2 requires a
    /// multiple of the logical sector size); a capacity of whole sectors stays exact. Progress reports the
    /// furthest disk offset converted (a first pass, which only reads, reports nothing).
    /// </summary>
    public static async Task<long> WriteAsync(IVirtualDisk disk, Stream output, VhdxWriteOptions? options = null, IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(disk);
        ArgumentNullException.ThrowIfNull(output);
        options ??= new VhdxWriteOptions();
        var blockSize = options.BlockSize;
        if (blockSize < VhdxMetadata.MinBlockSize || blockSize > VhdxMetadata.MaxBlockSize || !BitOperations.IsPow2(blockSize))
        {
            throw new ArgumentException($"A VHDX block size must be a power of two from 1 MiB to 256 MiB, not {blockSize}.", nameof(options));
        }

        DiskImageLimits.CheckVirtualSize(disk.Capacity, "source");
        var virtualSize = (disk.Capacity + LogicalSectorSize - 1) / LogicalSectorSize * LogicalSectorSize;
        var blocks = (virtualSize + blockSize - 1) / blockSize;
        var chunkRatio = VhdxBlockAllocationTable.ChunkRatio(LogicalSectorSize, blockSize);
        var batBytes = VhdxBlockAllocationTable.EntryCount(blocks, chunkRatio) * 8;
        var batLength = Math.Max(Alignment, (batBytes + Alignment - 1) / Alignment * Alignment);
        var firstBlock = BatOffset + batLength;

        var buffer = new byte[BufferSize];
        var start = output.CanSeek ? output.Position : 0;
        BitArray used;
        long usedCount = 0;
        if (output.CanSeek)
        {
            // One pass: the BAT's room is left, each block touched by data is read once and written unless all
            // zeros, then the BAT is filled in.
            await WriteMetadataRegionsAsync(output, options, batLength, blockSize, virtualSize, buffer, cancellationToken).ConfigureAwait(false);
            output.Position = start + firstBlock;
            used = new BitArray((int)blocks);
            await BlockCopier.CopyAsync(
                disk,
                BlocksWithData.TouchedAsync(disk, blockSize, blocks, cancellationToken),
                blockSize,
                ReadOnlyMemory<byte>.Empty,
                skipZeroBlocks: true,
                output,
                block =>
                {
                    used[(int)block] = true;
                    usedCount++;
                },
                block => progress?.Report(Math.Min(disk.Capacity, (block + 1) * blockSize)),
                cancellationToken).ConfigureAwait(false);

            output.Position = start + BatOffset;
            await WriteTableAsync(output, used, chunkRatio, batLength, firstBlock, blockSize, buffer, cancellationToken).ConfigureAwait(false);
            output.Position = start + firstBlock + (usedCount * blockSize);
        }
        else
        {
            // Two passes: the BAT goes out before the blocks, so which blocks hold data is found first.
            used = await BlocksWithData.FindAsync(disk, blockSize, (int)blocks, buffer, cancellationToken).ConfigureAwait(false);
            usedCount = BlocksWithData.Count(used);
            await WriteMetadataRegionsAsync(output, options, batLength, blockSize, virtualSize, buffer, cancellationToken).ConfigureAwait(false);
            await WriteTableAsync(output, used, chunkRatio, batLength, firstBlock, blockSize, buffer, cancellationToken).ConfigureAwait(false);
            await BlockCopier.CopyAsync(
                disk,
                BlocksWithData.ListAsync(used),
                blockSize,
                ReadOnlyMemory<byte>.Empty,
                skipZeroBlocks: false,
                output,
                _ => { },
                block => progress?.Report(Math.Min(disk.Capacity, (block + 1) * blockSize)),
                cancellationToken).ConfigureAwait(false);
        }

        progress?.Report(disk.Capacity);
        return firstBlock + (usedCount * blockSize);
    }

    /// <summary>Everything before the BAT: file header (identifier, headers, region tables), the empty log, the metadata region.</summary>
    private static async Task WriteMetadataRegionsAsync(Stream output, VhdxWriteOptions options, long batLength, int blockSize, long virtualSize, byte[] buffer, CancellationToken cancellationToken)
    {
        WriteFileHeader(buffer, options, new VhdxRegionTable(new VhdxRegion(BatOffset, batLength), new VhdxRegion(MetadataOffset, MetadataLength)));
        await output.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        await SequentialOutput.WriteZerosAsync(output, LogLength, cancellationToken).ConfigureAwait(false);

        buffer.AsSpan().Clear();
        var metadata = new VhdxMetadata(blockSize, LeaveBlocksAllocated: false, virtualSize, LogicalSectorSize, PhysicalSectorSize, options.DiskId ?? Guid.NewGuid());
        metadata.WriteTo(buffer);
        await output.WriteAsync(buffer.AsMemory(0, (int)MetadataLength), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The first megabyte: file type identifier, both headers, both region tables, zeros elsewhere.</summary>
    private static void WriteFileHeader(Span<byte> megabyte, VhdxWriteOptions options, VhdxRegionTable regions)
    {
        megabyte.Clear();
        VhdxFileIdentifier.WriteTo(megabyte, "vmie");
        var header = new VhdxHeader(SequenceNumber: 1, LogGuid: Guid.Empty, LogVersion: 0, Version: 1, LogLength: (uint)LogLength, LogOffset: (ulong)LogOffset)
        {
            FileWriteGuid = options.FileWriteGuid ?? Guid.NewGuid(),
            DataWriteGuid = options.DataWriteGuid ?? Guid.NewGuid(),
        };

        // Both copies valid; the second, with the higher sequence number, is the current one.
        header.WriteTo(megabyte[(int)VhdxHeader.FirstOffset..]);
        (header with { SequenceNumber = 2 }).WriteTo(megabyte[(int)VhdxHeader.SecondOffset..]);
        regions.WriteTo(megabyte[(int)VhdxRegionTable.FirstOffset..]);
        regions.WriteTo(megabyte[(int)VhdxRegionTable.SecondOffset..]);
    }

    private static async Task WriteTableAsync(Stream output, BitArray used, long chunkRatio, long tableLength, long firstBlock, int blockSize, byte[] buffer, CancellationToken cancellationToken)
    {
        // Entry index → value; unused payload entries, sector-bitmap entries and the padding stay zero (NOT_PRESENT).
        var nextBlock = firstBlock;
        var block = 0;
        for (long start = 0; start < tableLength; start += buffer.Length)
        {
            buffer.AsSpan().Clear();
            var end = start + buffer.Length;
            for (; block < used.Length; block++)
            {
                var position = VhdxBlockAllocationTable.EntryIndexOf(block, chunkRatio) * 8;
                if (position >= end)
                {
                    break;
                }

                if (used[block])
                {
                    BinaryPrimitives.WriteUInt64LittleEndian(buffer.AsSpan((int)(position - start)), VhdxBlockAllocationTable.FullyPresentEntry(nextBlock));
                    nextBlock += blockSize;
                }
            }

            await output.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
    }
}

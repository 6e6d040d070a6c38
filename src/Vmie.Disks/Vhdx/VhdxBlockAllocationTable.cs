using System.Buffers.Binary;
using Vmie.Disks.Abstractions;

namespace Vmie.Disks.Vhdx;

/// <summary>
/// The BAT ([MS-VHDX] 2.5): 64-bit entries, one per payload block, with a sector-bitmap entry after every
/// chunk-ratio payload entries (chunk ratio = 2^23 × logical sector size / block size, 2.5 and 2.6.2.1).
/// Only the payload entries are kept: sector bitmaps matter for differencing disks, which are refused.
/// Each kept entry is checked at load time, so reads trust it: a fully present block lies inside the
/// file, past the first megabyte, and overlaps neither another block nor the log, BAT or metadata.
/// </summary>
internal sealed class VhdxBlockAllocationTable
{
    private const int StateMask = 7;
    private const int FileOffsetShift = 20;

    // Fully present blocks' file offsets; -1 for every other state (all of which read as zeros here).
    private readonly long[] _fileOffsets;

    private VhdxBlockAllocationTable(long[] fileOffsets)
    {
        _fileOffsets = fileOffsets;
    }

    public int BlockCount => _fileOffsets.Length;

    /// <summary>The file offset of payload block <paramref name="block"/>, or -1 when it reads as zeros.</summary>
    public long FileOffsetOf(long block) => _fileOffsets[block];

    public static long ChunkRatio(int logicalSectorSize, int blockSize) => (1L << 23) * logicalSectorSize / blockSize;

    /// <summary>BAT entries (payload and interleaved sector-bitmap entries) for a disk of <paramref name="blocks"/> payload blocks.</summary>
    public static long EntryCount(long blocks, long chunkRatio) => blocks == 0 ? 0 : blocks + ((blocks - 1) / chunkRatio);

    /// <summary>Index in the BAT of payload block <paramref name="block"/>: a sector-bitmap entry follows every chunk-ratio payload entries.</summary>
    public static long EntryIndexOf(long block, long chunkRatio) => block + (block / chunkRatio);

    /// <summary>The entry of a fully present payload block at <paramref name="fileOffset"/> (a multiple of 1 MiB).</summary>
    public static ulong FullyPresentEntry(long fileOffset) =>
        ((ulong)(fileOffset / VhdxRegionTable.Alignment) << FileOffsetShift) | (ulong)VhdxPayloadBlockState.FullyPresent;

    public static async ValueTask<VhdxBlockAllocationTable> ReadAsync(
        IBlockSource source, VhdxRegionTable regions, VhdxMetadata metadata, VhdxRegion? log, CancellationToken cancellationToken)
    {
        var blockSize = metadata.BlockSize;
        var blocks = (metadata.VirtualSize + blockSize - 1) / blockSize;
        var chunkRatio = ChunkRatio(metadata.LogicalSectorSize, blockSize);
        var entries = EntryCount(blocks, chunkRatio);
        var bytes = entries * 8;
        if (bytes > regions.Bat.Length)
        {
            throw new InvalidDiskImageException($"The VHDX BAT region holds {regions.Bat.Length} bytes but {entries} entries ({bytes} bytes) are needed for the virtual size.");
        }

        if (bytes > DiskImageLimits.MaxInMemoryTableBytes)
        {
            // Cannot happen within the 16 TiB limit and the 1 MiB minimum block size; kept as a guard.
            throw new InvalidDiskImageException($"The VHDX BAT of {bytes} bytes exceeds the {DiskImageLimits.MaxInMemoryTableBytes}-byte table limit.");
        }

        var raw = await VhdxStructureReader.ReadAsync(source, regions.Bat.Offset, (int)bytes, "BAT", cancellationToken).ConfigureAwait(false);
        var offsets = new long[blocks];
        var present = new List<long>();
        for (long block = 0; block < blocks; block++)
        {
            var entry = BinaryPrimitives.ReadUInt64LittleEndian(raw.AsSpan((int)(EntryIndexOf(block, chunkRatio) * 8)));
            var state = (VhdxPayloadBlockState)(int)(entry & StateMask);
            switch (state)
            {
                case VhdxPayloadBlockState.NotPresent or VhdxPayloadBlockState.Undefined or VhdxPayloadBlockState.Zero or VhdxPayloadBlockState.Unmapped:
                    offsets[block] = -1;
                    break;
                case VhdxPayloadBlockState.FullyPresent:
                    var fileOffset = (long)(entry >> FileOffsetShift) * VhdxRegionTable.Alignment;
                    var inFile = Math.Min(blockSize, metadata.VirtualSize - (block * blockSize));
                    if (fileOffset < VhdxRegionTable.Alignment || fileOffset > source.Length - inFile)
                    {
                        throw new InvalidDiskImageException($"The VHDX BAT places block {block} at byte {fileOffset}, outside the {source.Length}-byte file.");
                    }

                    offsets[block] = fileOffset;
                    present.Add(fileOffset);
                    break;
                case VhdxPayloadBlockState.PartiallyPresent:
                    throw new InvalidDiskImageException($"The VHDX BAT marks block {block} partially present, which only a differencing disk may do.");
                default:
                    throw new InvalidDiskImageException($"The VHDX BAT entry of block {block} has the unknown state {(int)state}.");
            }
        }

        CheckNoOverlap(present, blockSize, [regions.Bat, regions.Metadata, .. log is null ? Array.Empty<VhdxRegion>() : [log.Value]]);
        return new VhdxBlockAllocationTable(offsets);
    }

    private static void CheckNoOverlap(List<long> blockOffsets, int blockSize, VhdxRegion[] structures)
    {
        blockOffsets.Sort();
        for (var i = 1; i < blockOffsets.Count; i++)
        {
            if (blockOffsets[i] - blockOffsets[i - 1] < blockSize)
            {
                throw new InvalidDiskImageException($"The VHDX BAT maps two blocks onto overlapping file ranges (at bytes {blockOffsets[i - 1]} and {blockOffsets[i]}).");
            }
        }

        foreach (var structure in structures)
        {
            // The last block starting before the structure's end is the only one that can overlap it.
            var index = blockOffsets.BinarySearch(structure.End - 1);
            index = index >= 0 ? index : ~index - 1;
            if (index >= 0 && blockOffsets[index] + blockSize > structure.Offset)
            {
                throw new InvalidDiskImageException($"The VHDX BAT maps a block at byte {blockOffsets[index]} over a metadata structure at byte {structure.Offset}.");
            }
        }
    }
}

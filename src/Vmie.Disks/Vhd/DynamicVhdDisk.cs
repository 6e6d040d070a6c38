using System.Runtime.CompilerServices;
using Vmie.Disks.Abstractions;

namespace Vmie.Disks.Vhd;

/// <summary>
/// A dynamic VHD (VHD specification, "Dynamic Hard Disk Image"): footer copy, dynamic disk header, block
/// allocation table, data blocks (each a sector bitmap then the block's data) and the footer. Unallocated
/// blocks and sectors whose bitmap bit is clear read as zeros and are left out of the allocation map.
/// </summary>
public sealed class DynamicVhdDisk : VhdDisk
{
    private readonly VhdBlockAllocationTable _table;
    private readonly long _blockSize;
    private readonly int _bitmapSize;
    private readonly long _headerOffset;
    private readonly long _tableOffset;
    private readonly long _tableSize;
    private readonly long _footerOffset;

    // One bit per block: set once the block's sector bitmap was seen with every bit set, so later reads of it
    // skip the bitmap (one read instead of two). Only kept when the table itself is in memory (bounded size).
    private readonly long[]? _fullyPresent;

    private DynamicVhdDisk(IBlockSource source, VhdFooter footer, VhdDynamicHeader header, VhdBlockAllocationTable table, bool ownsSource)
        : base(source, footer, ownsSource)
    {
        Header = header;
        _table = table;
        _blockSize = header.BlockSize;
        _bitmapSize = header.BitmapSize;
        _headerOffset = (long)footer.DataOffset;
        _tableOffset = (long)header.TableOffset;
        _tableSize = header.TableSize;
        _footerOffset = source.Length - VhdFooter.Size;
        _fullyPresent = table.IsInMemory ? new long[(table.Count + 63) / 64] : null;
    }

    public override string Subformat => "dynamic";

    public VhdDynamicHeader Header { get; }

    internal static async Task<DynamicVhdDisk> OpenAsync(IBlockSource source, VhdFooter footer, byte[] footerBytes, bool ownsSource, CancellationToken cancellationToken)
    {
        var footerOffset = source.Length - VhdFooter.Size;
        if (source.Length < (2 * VhdFooter.Size) + VhdDynamicHeader.Size)
        {
            throw new InvalidDiskImageException($"The dynamic VHD is {source.Length} bytes long, too short for its footer copy, header and footer: the file is truncated.");
        }

        var copy = new byte[VhdFooter.Size];
        await ReadExactlyAsync(source, 0, copy, "footer copy", cancellationToken).ConfigureAwait(false);
        if (!copy.AsSpan().SequenceEqual(footerBytes))
        {
            throw new InvalidDiskImageException("Footers not identical: the footer copy at the start of the dynamic VHD differs from the footer at its end.");
        }

        if (footer.DataOffset < VhdFooter.Size || footer.DataOffset > (ulong)(footerOffset - VhdDynamicHeader.Size))
        {
            throw new InvalidDiskImageException($"The VHD footer puts the dynamic disk header at byte {footer.DataOffset}, outside the file ({source.Length} bytes).");
        }

        var headerOffset = (long)footer.DataOffset;
        var headerBytes = new byte[VhdDynamicHeader.Size];
        await ReadExactlyAsync(source, headerOffset, headerBytes, "dynamic disk header", cancellationToken).ConfigureAwait(false);
        var header = VhdDynamicHeader.Parse(headerBytes);

        if (header.TableOffset < VhdFooter.Size || header.TableOffset > (ulong)footerOffset || (long)header.TableOffset > footerOffset - header.TableSize)
        {
            throw new InvalidDiskImageException($"The VHD block allocation table ({header.MaxTableEntries} entries at byte {header.TableOffset}) lies outside the file ({source.Length} bytes).");
        }

        var tableOffset = (long)header.TableOffset;
        if (Overlaps(tableOffset, tableOffset + header.TableSize, headerOffset, headerOffset + VhdDynamicHeader.Size))
        {
            throw new InvalidDiskImageException($"The VHD block allocation table at byte {tableOffset} overlaps the dynamic disk header at byte {headerOffset}.");
        }

        var capacity = footer.VirtualSize;
        var blocksNeeded = (capacity + header.BlockSize - 1) / header.BlockSize;
        if (blocksNeeded > header.MaxTableEntries)
        {
            throw new InvalidDiskImageException($"The VHD block allocation table has {header.MaxTableEntries} entries of {header.BlockSize} bytes, too few for a disk of {capacity} bytes.");
        }

        var table = await VhdBlockAllocationTable.LoadAsync(source, tableOffset, blocksNeeded, cancellationToken).ConfigureAwait(false);
        var disk = new DynamicVhdDisk(source, footer, header, table, ownsSource);
        if (table.IsInMemory)
        {
            // A table too large for memory is checked entry by entry as reads reach it instead.
            await disk.CheckAllBlocksAsync(cancellationToken).ConfigureAwait(false);
        }

        return disk;
    }

    public override async IAsyncEnumerable<DiskExtent> GetAllocatedExtentsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var bitmap = new byte[_bitmapSize];
        var sectorsPerBlock = _blockSize / VhdFooter.SectorSize;
        long pendingStart = 0;
        long pendingEnd = 0;
        long index = 0;
        await foreach (var chunk in _table.ReadChunksAsync(cancellationToken).ConfigureAwait(false))
        {
            foreach (var entry in chunk)
            {
                var blockIndex = index++;
                if (entry == VhdBlockAllocationTable.Unused)
                {
                    continue;
                }

                var blockStart = CheckBlock(blockIndex, entry);
                await ReadExactlyAsync(Source, blockStart, bitmap, "sector bitmap", cancellationToken).ConfigureAwait(false);
                NoteBitmap(blockIndex, bitmap, sectorsPerBlock);
                var blockBase = blockIndex * _blockSize;
                for (long sector = 0; sector < sectorsPerBlock;)
                {
                    var runEnd = VhdSectorBitmap.RunEnd(bitmap, 0, sector, sectorsPerBlock - 1);
                    if (VhdSectorBitmap.IsSet(bitmap, 0, sector))
                    {
                        var start = blockBase + (sector * VhdFooter.SectorSize);
                        var end = Math.Min(blockBase + ((runEnd + 1) * VhdFooter.SectorSize), Capacity);
                        if (start < end && pendingEnd > pendingStart && start == pendingEnd)
                        {
                            pendingEnd = end;
                        }
                        else if (start < end)
                        {
                            if (pendingEnd > pendingStart)
                            {
                                yield return new DiskExtent(pendingStart, pendingEnd - pendingStart);
                            }

                            (pendingStart, pendingEnd) = (start, end);
                        }
                    }

                    sector = runEnd + 1;
                }
            }
        }

        if (pendingEnd > pendingStart)
        {
            yield return new DiskExtent(pendingStart, pendingEnd - pendingStart);
        }
    }

    public override async ValueTask<int> ReadAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        if (offset >= Capacity)
        {
            return 0;
        }

        var total = (int)Math.Min(buffer.Length, Capacity - offset);
        var done = 0;
        while (done < total)
        {
            var position = offset + done;
            var blockIndex = position / _blockSize;
            var inBlock = position % _blockSize;
            var length = (int)Math.Min(total - done, _blockSize - inBlock);
            var destination = buffer.Slice(done, length);
            var entry = await _table.GetAsync(blockIndex, cancellationToken).ConfigureAwait(false);
            if (entry == VhdBlockAllocationTable.Unused)
            {
                destination.Span.Clear();
            }
            else
            {
                await ReadFromBlockAsync(blockIndex, CheckBlock(blockIndex, entry), inBlock, destination, cancellationToken).ConfigureAwait(false);
            }

            done += length;
        }

        return total;
    }

    /// <summary>Reads <paramref name="destination"/>.Length bytes at <paramref name="inBlock"/> of one block, honouring its sector bitmap.</summary>
    private async ValueTask ReadFromBlockAsync(long blockIndex, long blockStart, long inBlock, Memory<byte> destination, CancellationToken cancellationToken)
    {
        var dataStart = blockStart + _bitmapSize;
        if (IsFullyPresent(blockIndex))
        {
            await ReadExactlyAsync(Source, dataStart + inBlock, destination, "data block", cancellationToken).ConfigureAwait(false);
            return;
        }

        var firstSector = inBlock / VhdFooter.SectorSize;
        var lastSector = (inBlock + destination.Length - 1) / VhdFooter.SectorSize;
        var bitmap = new byte[(lastSector >> 3) - (firstSector >> 3) + 1];
        await ReadExactlyAsync(Source, blockStart + (firstSector >> 3), bitmap, "sector bitmap", cancellationToken).ConfigureAwait(false);
        var sectorsPerBlock = _blockSize / VhdFooter.SectorSize;
        if (firstSector == 0 && lastSector == sectorsPerBlock - 1)
        {
            NoteBitmap(blockIndex, bitmap, sectorsPerBlock);
        }

        for (var sector = firstSector; sector <= lastSector;)
        {
            var runEnd = VhdSectorBitmap.RunEnd(bitmap, firstSector, sector, lastSector);
            var from = Math.Max(sector * VhdFooter.SectorSize, inBlock);
            var to = Math.Min((runEnd + 1) * VhdFooter.SectorSize, inBlock + destination.Length);
            var slice = destination.Slice((int)(from - inBlock), (int)(to - from));
            if (VhdSectorBitmap.IsSet(bitmap, firstSector, sector))
            {
                await ReadExactlyAsync(Source, dataStart + from, slice, "data block", cancellationToken).ConfigureAwait(false);
            }
            else
            {
                slice.Span.Clear();
            }

            sector = runEnd + 1;
        }
    }

    private bool IsFullyPresent(long blockIndex) =>
        _fullyPresent is not null && (Volatile.Read(ref _fullyPresent[blockIndex >> 6]) & (1L << (int)(blockIndex & 63))) != 0;

    /// <summary>Remembers a block whose whole sector bitmap (<paramref name="bitmap"/>, from sector 0) has every bit set.</summary>
    private void NoteBitmap(long blockIndex, ReadOnlySpan<byte> bitmap, long sectorsPerBlock)
    {
        if (_fullyPresent is null || VhdSectorBitmap.RunEnd(bitmap, 0, 0, sectorsPerBlock - 1) != sectorsPerBlock - 1 || !VhdSectorBitmap.IsSet(bitmap, 0, 0))
        {
            return;
        }

        Interlocked.Or(ref _fullyPresent[blockIndex >> 6], 1L << (int)(blockIndex & 63));
    }

    /// <summary>Checks every entry in use, and that no two blocks share bytes.</summary>
    private async Task CheckAllBlocksAsync(CancellationToken cancellationToken)
    {
        var starts = new List<long>();
        long index = 0;
        await foreach (var chunk in _table.ReadChunksAsync(cancellationToken).ConfigureAwait(false))
        {
            foreach (var entry in chunk)
            {
                var blockIndex = index++;
                if (entry != VhdBlockAllocationTable.Unused)
                {
                    starts.Add(CheckBlock(blockIndex, entry));
                }
            }
        }

        starts.Sort();
        var stride = _bitmapSize + _blockSize;
        for (var i = 1; i < starts.Count; i++)
        {
            if (starts[i] < starts[i - 1] + stride)
            {
                throw new InvalidDiskImageException($"The VHD block allocation table maps two blocks onto overlapping bytes (at {starts[i - 1]} and {starts[i]}).");
            }
        }
    }

    /// <summary>The file offset of block <paramref name="blockIndex"/> (its bitmap), once sure it lies between the metadata and the footer.</summary>
    private long CheckBlock(long blockIndex, uint entry)
    {
        var start = (long)entry * VhdFooter.SectorSize;
        var end = start + _bitmapSize + _blockSize;
        if (end > _footerOffset)
        {
            throw new InvalidDiskImageException($"The VHD block allocation table maps block {blockIndex} to byte {start}, past the end of the data ({_footerOffset} bytes before the footer).");
        }

        if (start < VhdFooter.Size
            || Overlaps(start, end, _headerOffset, _headerOffset + VhdDynamicHeader.Size)
            || Overlaps(start, end, _tableOffset, _tableOffset + _tableSize))
        {
            throw new InvalidDiskImageException($"The VHD block allocation table maps block {blockIndex} to byte {start}, on top of the footer copy, dynamic disk header or table.");
        }

        return start;
    }

    private static bool Overlaps(long start, long end, long otherStart, long otherEnd) => start < otherEnd && otherStart < end;
}

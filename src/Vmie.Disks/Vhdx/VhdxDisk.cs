using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using Vmie.Disks.Abstractions;

namespace Vmie.Disks.Vhdx;

/// <summary>
/// A fixed or dynamic VHDX image ([MS-VHDX]): file type identifier, headers, log replay, region table,
/// metadata and BAT are read and checked when opening; reads then map each payload block through the
/// BAT. Only fully present blocks hold data; every other state reads as zeros. Differencing disks are
/// refused. Safe for parallel readers: nothing changes after opening.
/// </summary>
public sealed class VhdxDisk : IVirtualDisk
{
    private readonly IBlockSource _owned;
    private readonly bool _ownsSource;
    private readonly IBlockSource _source;
    private readonly VhdxBlockAllocationTable _bat;

    private VhdxDisk(IBlockSource owned, bool ownsSource, IBlockSource source, VhdxMetadata metadata, VhdxBlockAllocationTable bat, bool logReplayed)
    {
        _owned = owned;
        _ownsSource = ownsSource;
        _source = source;
        _bat = bat;
        Capacity = metadata.VirtualSize;
        BlockSize = metadata.BlockSize;
        LogicalSectorSize = metadata.LogicalSectorSize;
        PhysicalSectorSize = metadata.PhysicalSectorSize;
        Subformat = metadata.LeaveBlocksAllocated ? "fixed" : "dynamic";
        LogReplayed = logReplayed;
    }

    public long Capacity { get; }

    /// <summary>Payload block size in bytes (a power of two from 1 MiB to 256 MiB).</summary>
    public int BlockSize { get; }

    public int LogicalSectorSize { get; }

    public int PhysicalSectorSize { get; }

    /// <summary>"fixed" when the file says its blocks stay allocated (LeaveBlocksAllocated), else "dynamic".</summary>
    public string Subformat { get; }

    /// <summary>True when the log held an active sequence whose writes were replayed (in memory) before reading.</summary>
    public bool LogReplayed { get; }

    /// <summary>
    /// Opens a VHDX image. Throws <see cref="InvalidDiskImageException"/> for a damaged or lying file and
    /// <see cref="UnsupportedDiskImageException"/> for a differencing disk or unknown required parts.
    /// With <paramref name="ownsSource"/>, the disk disposes the source; if opening fails the caller keeps it.
    /// </summary>
    public static async Task<VhdxDisk> OpenAsync(IBlockSource source, bool ownsSource = true, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);

        // File type identifier ([MS-VHDX] 2.2.1): "vhdxfile" at offset 0.
        var identifier = await VhdxStructureReader.ReadAsync(source, 0, 8, "file type identifier", cancellationToken).ConfigureAwait(false);
        if (BinaryPrimitives.ReadUInt64LittleEndian(identifier) != VhdxFileIdentifier.Signature)
        {
            throw new InvalidDiskImageException("The file is not a VHDX image: the \"vhdxfile\" signature is missing.");
        }

        var header = await VhdxHeader.ReadCurrentAsync(source, cancellationToken).ConfigureAwait(false);
        var view = header.LogGuid == Guid.Empty ? source : await VhdxLog.ReplayAsync(source, header, cancellationToken).ConfigureAwait(false);
        var regions = await VhdxRegionTable.ReadAsync(view, cancellationToken).ConfigureAwait(false);
        var metadata = await VhdxMetadata.ReadAsync(view, regions.Metadata, cancellationToken).ConfigureAwait(false);
        VhdxRegion? log = header.LogGuid == Guid.Empty || header.LogLength == 0 ? null : new VhdxRegion((long)header.LogOffset, header.LogLength);
        var bat = await VhdxBlockAllocationTable.ReadAsync(view, regions, metadata, log, cancellationToken).ConfigureAwait(false);
        return new VhdxDisk(source, ownsSource, view, metadata, bat, !ReferenceEquals(view, source));
    }

    public async IAsyncEnumerable<DiskExtent> GetAllocatedExtentsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.CompletedTask.ConfigureAwait(false);
        long runStart = -1;
        for (long block = 0; block < _bat.BlockCount; block++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var present = _bat.FileOffsetOf(block) >= 0;
            if (present && runStart < 0)
            {
                runStart = block * BlockSize;
            }
            else if (!present && runStart >= 0)
            {
                yield return new DiskExtent(runStart, (block * BlockSize) - runStart);
                runStart = -1;
            }
        }

        if (runStart >= 0)
        {
            yield return new DiskExtent(runStart, Capacity - runStart);
        }
    }

    public async ValueTask<int> ReadAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken = default)
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
            var block = position / BlockSize;
            var inBlock = position % BlockSize;
            var count = (int)Math.Min(total - done, BlockSize - inBlock);
            var target = buffer.Slice(done, count);
            var fileOffset = _bat.FileOffsetOf(block);
            if (fileOffset < 0)
            {
                target.Span.Clear();
            }
            else
            {
                var read = await _source.ReadAtAsync(fileOffset + inBlock, target, cancellationToken).ConfigureAwait(false);
                if (read < count)
                {
                    throw new InvalidDiskImageException($"The VHDX file ended at byte {fileOffset + inBlock + read}, inside payload block {block}.");
                }
            }

            done += count;
        }

        return total;
    }

    // The replayed view holds nothing to release; only the underlying source, when owned.
    public ValueTask DisposeAsync() => _ownsSource ? _owned.DisposeAsync() : ValueTask.CompletedTask;
}

using System.Runtime.CompilerServices;
using Vmie.Disks.Abstractions;

namespace Vmie.Disks.Vmdk;

/// <summary>
/// A FLAT (or VMFS) extent named by a descriptor file ("Virtual Disk Format 5.0", "Extent Descriptions"):
/// the disk's bytes are the extent file's bytes from the declared offset on.
/// </summary>
internal sealed class FlatExtentDisk : IVirtualDisk
{
    private readonly IBlockSource _extent;
    private readonly long _start;

    public FlatExtentDisk(IBlockSource extent, long startBytes, long capacity)
    {
        if (startBytes < 0 || capacity < 0 || startBytes > extent.Length || extent.Length - startBytes < capacity)
        {
            throw new InvalidDiskImageException($"The VMDK flat extent file holds {extent.Length} bytes, fewer than the {capacity} bytes from byte {startBytes} its descriptor declares.");
        }

        _extent = extent;
        _start = startBytes;
        Capacity = capacity;
    }

    public long Capacity { get; }

    public async IAsyncEnumerable<DiskExtent> GetAllocatedExtentsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.CompletedTask.ConfigureAwait(false);
        if (Capacity == 0)
        {
            yield break;
        }

        if (_extent is not ISparseBlockSource sparse)
        {
            yield return new DiskExtent(0, Capacity);
            yield break;
        }

        // Holes of a sparse extent file are zeros of the disk: report only the data, clipped to the extent's window.
        foreach (var data in sparse.GetDataExtents())
        {
            cancellationToken.ThrowIfCancellationRequested();
            var start = Math.Max(data.Offset, _start);
            var end = Math.Min(data.End, _start + Capacity);
            if (end > start)
            {
                yield return new DiskExtent(start - _start, end - start);
            }
        }
    }

    public async ValueTask<int> ReadAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        if (offset >= Capacity)
        {
            return 0;
        }

        var wanted = (int)Math.Min(buffer.Length, Capacity - offset);
        var read = await _extent.ReadAtAsync(_start + offset, buffer[..wanted], cancellationToken).ConfigureAwait(false);
        if (read < wanted)
        {
            throw new InvalidDiskImageException($"The VMDK flat extent file ended at byte {_start + offset + read} although the descriptor declares {Capacity} bytes.");
        }

        return read;
    }

    public ValueTask DisposeAsync() => _extent.DisposeAsync();
}

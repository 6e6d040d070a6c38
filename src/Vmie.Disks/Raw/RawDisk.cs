using System.Runtime.CompilerServices;
using Vmie.Disks.Abstractions;

namespace Vmie.Disks.Raw;

/// <summary>
/// A raw image: the bytes of the source are the bytes of the disk. Nothing in the format says what is
/// unallocated, so the allocation map is the source's own (its data extents when it is a sparse file,
/// else the whole capacity) and zero detection within it is left to the consumer.
/// </summary>
public sealed class RawDisk : IVirtualDisk
{
    private readonly IBlockSource _source;
    private readonly bool _ownsSource;

    public RawDisk(IBlockSource source, bool ownsSource = true)
    {
        _source = source;
        _ownsSource = ownsSource;
    }

    public long Capacity => _source.Length;

    public async IAsyncEnumerable<DiskExtent> GetAllocatedExtentsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.CompletedTask.ConfigureAwait(false);
        if (Capacity <= 0)
        {
            yield break;
        }

        if (_source is not ISparseBlockSource sparse)
        {
            yield return new DiskExtent(0, Capacity);
            yield break;
        }

        // A sparse source knows its holes; they are zeros in the disk too, so nothing there needs reading.
        foreach (var extent in sparse.GetDataExtents())
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return extent;
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
        var read = await _source.ReadAtAsync(offset, buffer[..wanted], cancellationToken).ConfigureAwait(false);
        if (read < wanted)
        {
            throw new EndOfStreamException($"The raw image ended at byte {offset + read} although it declares {Capacity} bytes.");
        }

        return read;
    }

    public ValueTask DisposeAsync() => _ownsSource ? _source.DisposeAsync() : ValueTask.CompletedTask;
}

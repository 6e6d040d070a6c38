using Microsoft.Win32.SafeHandles;
using Vmie.Disks.Abstractions;
using Vmie.Disks.Sources;

namespace Vmie.Storage.Objects;

/// <summary>
/// An object version made of body files laid end to end (one for a simple PUT, one per part after a
/// multipart upload). Every file is opened up front, so the version stays readable after an overwrite or
/// delete unlinks its files. Reads use positional I/O and are safe from parallel callers.
/// </summary>
internal sealed class SegmentedObjectReadHandle : ObjectReadHandle
{
    private readonly SafeFileHandle[] _handles;
    private readonly long[] _starts;
    private readonly long[] _lengths;
    private int _disposed;

    public SegmentedObjectReadHandle(ObjectInfo info, SafeFileHandle[] handles, long[] lengths)
    {
        Info = info;
        _handles = handles;
        _lengths = lengths;
        _starts = new long[lengths.Length];
        long start = 0;
        for (var i = 0; i < lengths.Length; i++)
        {
            _starts[i] = start;
            start += lengths[i];
        }
    }

    public override ObjectInfo Info { get; }

    public override IReadOnlyList<long> PartLengths => _lengths;

    public override async ValueTask<int> ReadAtAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var total = 0;
        while (total < buffer.Length && offset + total < Length)
        {
            var position = offset + total;
            var segment = SegmentAt(position);
            var within = position - _starts[segment];
            var wanted = (int)Math.Min(buffer.Length - total, _lengths[segment] - within);
            var read = await RandomAccess.ReadAsync(_handles[segment], buffer.Slice(total, wanted), within, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                throw new IOException($"Body file of {Info.Bucket}/{Info.Key} is shorter than recorded (segment {segment}); the store is damaged.");
            }

            total += read;
        }

        return total;
    }

    public override Stream OpenStream(long offset, long length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (offset + length > Length)
        {
            throw new ArgumentOutOfRangeException(nameof(length), $"[{offset}, {offset + length}) is past the end of the object ({Length} bytes).");
        }

        return new ObjectRangeStream(this, offset, length);
    }

    /// <summary>The data extents of every body file, in object offsets, with touching extents joined.</summary>
    public override IEnumerable<DiskExtent> GetDataExtents()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        DiskExtent? pending = null;
        for (var i = 0; i < _handles.Length; i++)
        {
            foreach (var extent in SparseFileExtents.Enumerate(_handles[i], _lengths[i], _starts[i]))
            {
                if (pending is { } previous && previous.End == extent.Offset)
                {
                    pending = new DiskExtent(previous.Offset, previous.Length + extent.Length);
                    continue;
                }

                if (pending is { } done)
                {
                    yield return done;
                }

                pending = extent;
            }
        }

        if (pending is { } last)
        {
            yield return last;
        }
    }

    public override ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            foreach (var handle in _handles)
            {
                handle.Dispose();
            }
        }

        return ValueTask.CompletedTask;
    }

    private int SegmentAt(long position)
    {
        var index = Array.BinarySearch(_starts, position);
        if (index < 0)
        {
            index = ~index - 1;
        }

        // Skip empty segments that share a start with the next one.
        while (_lengths[index] == 0 || position >= _starts[index] + _lengths[index])
        {
            index++;
        }

        return index;
    }
}

using Vmie.Disks.Abstractions;

namespace Vmie.Guest.Volumes.Lvm;

/// <summary>
/// An LVM logical volume's bytes: each segment maps its extents onto physical volume slices, linearly (one
/// stripe) or round-robin in chunks of the stripe size (device-mapper's "striped" target). It never owns the
/// physical volumes.
/// </summary>
public sealed class LogicalVolumeBlockSource : IBlockSource
{
    private readonly LogicalVolumeSegment[] _segments;

    internal LogicalVolumeBlockSource(IReadOnlyList<LogicalVolumeSegment> segments)
    {
        _segments = [.. segments.OrderBy(s => s.Start)];
        Length = _segments.Length == 0 ? 0 : _segments[^1].Start + _segments[^1].Length;
    }

    public long Length { get; }

    public async ValueTask<int> ReadAtAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        var total = 0;
        while (total < buffer.Length && offset + total < Length)
        {
            var position = offset + total;
            var segment = Find(position);
            var (source, sourceOffset, run) = segment.Locate(position - segment.Start);
            var wanted = (int)Math.Min(buffer.Length - total, run);
            var read = await source.ReadAtAsync(sourceOffset, buffer.Slice(total, wanted), cancellationToken).ConfigureAwait(false);
            if (read <= 0)
            {
                throw new CorruptVolumeException($"The physical volume behind logical byte {position} ends early.");
            }

            total += read;
        }

        return total;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private LogicalVolumeSegment Find(long position)
    {
        int low = 0, high = _segments.Length - 1;
        while (low < high)
        {
            var middle = (low + high + 1) / 2;
            if (_segments[middle].Start <= position)
            {
                low = middle;
            }
            else
            {
                high = middle - 1;
            }
        }

        return _segments[low];
    }
}

/// <summary>
/// A run of a logical volume: <see cref="Length"/> bytes from logical byte <see cref="Start"/>, over stripes that
/// each hold Length / stripes bytes from their offset; <see cref="ChunkBytes"/> is the stripe size (unused with one stripe).
/// </summary>
internal sealed record LogicalVolumeSegment(long Start, long Length, long ChunkBytes, IReadOnlyList<(IBlockSource Source, long Offset)> Stripes)
{
    /// <summary>Where segment-relative byte <paramref name="offset"/> lies, and how many bytes follow it contiguously.</summary>
    public (IBlockSource Source, long Offset, long Run) Locate(long offset)
    {
        if (Stripes.Count == 1)
        {
            return (Stripes[0].Source, Stripes[0].Offset + offset, Length - offset);
        }

        var chunk = offset / ChunkBytes;
        var within = offset % ChunkBytes;
        var stripe = Stripes[(int)(chunk % Stripes.Count)];
        var row = chunk / Stripes.Count;
        return (stripe.Source, stripe.Offset + (row * ChunkBytes) + within, ChunkBytes - within);
    }
}

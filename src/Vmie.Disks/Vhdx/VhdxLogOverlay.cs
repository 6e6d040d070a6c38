namespace Vmie.Disks.Vhdx;

/// <summary>
/// The file changes a log replay makes, kept in memory: 4 KiB data sectors by sector index, and zeroed
/// ranges. Writes are applied in log order; zeroing a range drops the data sectors it covers, so a data
/// sector present here is always newer than any zero range that covers it. Costs stay proportional to
/// the log's size however the writes overlap.
/// </summary>
internal sealed class VhdxLogOverlay
{
    private readonly Dictionary<long, byte[]> _sectors = [];
    private readonly SortedSet<long> _sectorOrder = [];
    private readonly List<(long Offset, long End)> _pendingZeroRanges = [];
    private (long Offset, long End)[] _zeroRanges = [];

    public void Apply(VhdxLogWrite write)
    {
        var first = write.FileOffset / VhdxLogEntry.SectorSize;
        if (write.Data is not null)
        {
            _sectors[first] = write.Data;
            _sectorOrder.Add(first);
            return;
        }

        if (write.Length == 0)
        {
            return;
        }

        _pendingZeroRanges.Add((write.FileOffset, write.FileOffset + write.Length));
        var last = ((write.FileOffset + write.Length) / VhdxLogEntry.SectorSize) - 1;
        foreach (var sector in _sectorOrder.GetViewBetween(first, last).ToList())
        {
            _sectors.Remove(sector);
            _sectorOrder.Remove(sector);
        }
    }

    /// <summary>Ends the replay: zero ranges are merged into a sorted, disjoint array for reads.</summary>
    public void Complete()
    {
        _pendingZeroRanges.Sort();
        var merged = new List<(long Offset, long End)>();
        foreach (var range in _pendingZeroRanges)
        {
            if (merged.Count > 0 && range.Offset <= merged[^1].End)
            {
                merged[^1] = (merged[^1].Offset, Math.Max(merged[^1].End, range.End));
            }
            else
            {
                merged.Add(range);
            }
        }

        _zeroRanges = [.. merged];
        _pendingZeroRanges.Clear();
    }

    /// <summary>Lays the overlay over <paramref name="buffer"/>, which holds the file's bytes from <paramref name="offset"/>.</summary>
    public void ApplyTo(long offset, Span<byte> buffer)
    {
        var end = offset + buffer.Length;
        var index = FirstZeroRangeEndingAfter(offset);
        for (; index < _zeroRanges.Length && _zeroRanges[index].Offset < end; index++)
        {
            var from = Math.Max(offset, _zeroRanges[index].Offset);
            var to = Math.Min(end, _zeroRanges[index].End);
            buffer.Slice((int)(from - offset), (int)(to - from)).Clear();
        }

        if (_sectors.Count == 0)
        {
            return;
        }

        for (var sector = offset / VhdxLogEntry.SectorSize; sector * VhdxLogEntry.SectorSize < end; sector++)
        {
            if (!_sectors.TryGetValue(sector, out var data))
            {
                continue;
            }

            var sectorStart = sector * VhdxLogEntry.SectorSize;
            var from = Math.Max(offset, sectorStart);
            var to = Math.Min(end, sectorStart + VhdxLogEntry.SectorSize);
            data.AsSpan((int)(from - sectorStart), (int)(to - from)).CopyTo(buffer[(int)(from - offset)..]);
        }
    }

    private int FirstZeroRangeEndingAfter(long offset)
    {
        int low = 0, high = _zeroRanges.Length;
        while (low < high)
        {
            var middle = (low + high) / 2;
            if (_zeroRanges[middle].End <= offset)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return low;
    }
}

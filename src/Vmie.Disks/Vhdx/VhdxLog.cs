using Vmie.Disks.Abstractions;

namespace Vmie.Disks.Vhdx;

/// <summary>
/// Log replay ([MS-VHDX] 2.3.3). The log is a circular buffer of 4 KiB sectors holding entries; the
/// active sequence is the run of valid entries with consecutive sequence numbers, contiguous in the
/// buffer, that contains its head's tail entry, and whose head has the highest sequence number. Its
/// writes, applied from tail to head, are what the file would hold after a replay; they go into an
/// in-memory overlay instead of the file, which stays read-only.
/// </summary>
internal static class VhdxLog
{
    /// <summary>Largest log read into memory (Hyper-V and qemu write 1 MiB logs).</summary>
    public const long MaxLogBytes = 64L * 1024 * 1024;

    // Writes and file extensions a log may describe: anything past twice the largest disk is a lie.
    private const long MaxFileOffset = 2 * DiskImageLimits.MaxVirtualSize;

    /// <summary>The source as it reads after replaying the log (the source itself when no entry is active).</summary>
    public static async ValueTask<IBlockSource> ReplayAsync(IBlockSource source, VhdxHeader header, CancellationToken cancellationToken)
    {
        if (header.LogLength > MaxLogBytes)
        {
            throw new UnsupportedDiskImageException($"The VHDX log of {header.LogLength} bytes needs replaying but exceeds the {MaxLogBytes}-byte limit of this reader.");
        }

        var log = await VhdxStructureReader.ReadAsync(source, (long)header.LogOffset, (int)header.LogLength, "log", cancellationToken).ConfigureAwait(false);
        var active = FindActiveSequence(log, header.LogGuid);
        if (active.Count == 0)
        {
            return source;
        }

        var head = active[^1];
        if (head.FlushedFileOffset > (ulong)source.Length)
        {
            throw new InvalidDiskImageException($"The VHDX file is {source.Length} bytes but its log records it was flushed at {head.FlushedFileOffset} bytes: it is truncated.");
        }

        var overlay = new VhdxLogOverlay();
        var length = Math.Max(source.Length, (long)head.LastFileOffset);
        foreach (var entry in active)
        {
            foreach (var write in entry.Writes)
            {
                overlay.Apply(write);
                length = Math.Max(length, write.FileOffset + write.Length);
            }
        }

        overlay.Complete();
        return new VhdxReplayedSource(source, overlay, length);
    }

    private static List<VhdxLogEntry> FindActiveSequence(byte[] log, Guid logGuid)
    {
        var sectorCount = log.Length / VhdxLogEntry.SectorSize;
        var parsed = new VhdxLogEntry?[sectorCount];
        var tried = new bool[sectorCount];
        var started = new bool[sectorCount];
        var best = new List<VhdxLogEntry>();

        VhdxLogEntry? EntryAt(int sector)
        {
            if (!tried[sector])
            {
                tried[sector] = true;
                parsed[sector] = Parse(log, sector, logGuid);
            }

            return parsed[sector];
        }

        for (var start = 0; start < sectorCount; start++)
        {
            // A start inside an earlier walk only yields a suffix of that walk's sequence: never better.
            if (started[start] || EntryAt(start) is not { } first)
            {
                continue;
            }

            var sequence = new List<(int Sector, VhdxLogEntry Entry)> { (start, first) };
            started[start] = true;
            var walked = first.Length / VhdxLogEntry.SectorSize;
            var next = (start + walked) % sectorCount;
            while (walked < sectorCount && EntryAt(next) is { } following && following.SequenceNumber == sequence[^1].Entry.SequenceNumber + 1
                && walked + (following.Length / VhdxLogEntry.SectorSize) <= sectorCount)
            {
                sequence.Add((next, following));
                started[next] = true;
                walked += following.Length / VhdxLogEntry.SectorSize;
                next = (next + (following.Length / VhdxLogEntry.SectorSize)) % sectorCount;
            }

            var head = sequence[^1].Entry;
            var tailIndex = sequence.FindIndex(item => item.Sector == head.Tail / VhdxLogEntry.SectorSize);
            if (tailIndex >= 0 && (best.Count == 0 || head.SequenceNumber > best[^1].SequenceNumber))
            {
                best = sequence.Skip(tailIndex).Select(item => item.Entry).ToList();
            }
        }

        return best;
    }

    private static VhdxLogEntry? Parse(byte[] log, int sector, Guid logGuid)
    {
        var offset = sector * VhdxLogEntry.SectorSize;
        var length = VhdxLogEntry.PeekLength(log.AsSpan(offset, VhdxLogEntry.SectorSize), logGuid, log.Length);
        if (length == 0)
        {
            return null;
        }

        // Entries may wrap around the end of the circular buffer.
        var entry = new byte[length];
        var firstPart = Math.Min(length, log.Length - offset);
        log.AsSpan(offset, firstPart).CopyTo(entry);
        log.AsSpan(0, length - firstPart).CopyTo(entry.AsSpan(firstPart));
        return VhdxLogEntry.TryParse(entry, logGuid, log.Length, MaxFileOffset);
    }
}

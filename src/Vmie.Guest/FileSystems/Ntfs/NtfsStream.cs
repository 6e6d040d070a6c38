namespace Vmie.Guest.FileSystems.Ntfs;

/// <summary>
/// The value of one attribute (an unnamed $DATA, an $INDEX_ALLOCATION, the $MFT...), resident or made of the
/// runlists of its extents (several when an $ATTRIBUTE_LIST spreads it over records). Sparse runs and bytes
/// past the initialized size read as zeros; compressed attributes are decompressed one compression unit at a time.
/// </summary>
internal sealed class NtfsStream
{
    private readonly byte[] _resident;
    private readonly NtfsRun[] _runs;
    private readonly int _clusterSize;
    private readonly string _what;
    private readonly bool _isResident;

    private NtfsStream(string what, int clusterSize, byte[] resident, NtfsRun[] runs, long length, long initialized, int compressionUnit, bool encrypted)
    {
        _what = what;
        _clusterSize = clusterSize;
        _resident = resident;
        _isResident = runs.Length == 0 && resident.Length == length;
        _runs = runs;
        Length = length;
        InitializedSize = initialized;
        CompressionUnit = compressionUnit;
        IsEncrypted = encrypted;
    }

    public long Length { get; }

    public long InitializedSize { get; }

    /// <summary>log2 of the clusters per compression unit, or 0 when the data is not compressed.</summary>
    public int CompressionUnit { get; }

    public bool IsEncrypted { get; }

    public int RunCount => _runs.Length;

    /// <param name="partial">True for the first extent of the $MFT alone, read before its $ATTRIBUTE_LIST: its length is what it maps.</param>
    public static NtfsStream Create(IReadOnlyList<NtfsAttribute> extents, int clusterSize, string what, bool partial = false)
    {
        var first = extents[0];
        if (first.IsResident)
        {
            if (extents.Count != 1)
            {
                throw new CorruptFileSystemException($"NTFS {what}: a resident attribute with several extents.");
            }

            return new NtfsStream(what, clusterSize, first.Value, [], first.Value.Length, first.Value.Length, 0, first.IsEncrypted);
        }

        var ordered = extents.OrderBy(extent => extent.LowestVcn).ToList();
        var runs = new List<NtfsRun>();
        long nextVcn = 0;
        foreach (var extent in ordered)
        {
            if (extent.IsResident || extent.LowestVcn != nextVcn)
            {
                throw new CorruptFileSystemException($"NTFS {what}: attribute extents do not follow each other at VCN {nextVcn}.");
            }

            if (runs.Count + extent.Runs.Count > NtfsRunList.MaxRuns)
            {
                throw new CorruptFileSystemException($"NTFS {what}: more than {NtfsRunList.MaxRuns} runs.");
            }

            runs.AddRange(extent.Runs);
            nextVcn = extent.HighestVcn + 1;
        }

        var head = ordered[0];
        if (partial)
        {
            var mappedLength = Math.Min(head.DataSize, nextVcn * clusterSize);
            return new NtfsStream(what, clusterSize, [], [.. runs], mappedLength, Math.Min(head.InitializedSize, mappedLength), 0, false);
        }

        if (head.DataSize > nextVcn * clusterSize && !(head.IsCompressed && head.DataSize <= (nextVcn + (1L << head.CompressionUnit)) * clusterSize))
        {
            throw new CorruptFileSystemException($"NTFS {what}: {head.DataSize} bytes of data but only {nextVcn} clusters mapped.");
        }

        NtfsRunList.CheckNoOverlap(runs, what);
        var compressionUnit = 0;
        if (head.IsCompressed)
        {
            if (head.CompressionUnit != 4 || clusterSize > 4096)
            {
                throw new NtfsFeatureNotSupportedException($"NTFS {what}: compressed with a unit of 2^{head.CompressionUnit} clusters of {clusterSize} bytes; only the standard 16 clusters of at most 4 KiB exist.");
            }

            compressionUnit = head.CompressionUnit;
        }

        return new NtfsStream(what, clusterSize, [], [.. runs], head.DataSize, head.InitializedSize, compressionUnit, head.IsEncrypted);
    }

    /// <summary>Reads at <paramref name="offset"/>; fewer bytes only at the end of the value.</summary>
    public async ValueTask<int> ReadAsync(NtfsVolume volume, long offset, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        if (IsEncrypted)
        {
            throw new NtfsFeatureNotSupportedException($"NTFS {_what}: the data is encrypted (EFS); it cannot be read without the user's keys.");
        }

        if (offset >= Length || buffer.IsEmpty)
        {
            return 0;
        }

        var wanted = (int)Math.Min(buffer.Length, Length - offset);
        if (_isResident)
        {
            _resident.AsSpan((int)offset, wanted).CopyTo(buffer.Span);
            return wanted;
        }

        var done = 0;
        while (done < wanted)
        {
            var position = offset + done;
            var target = buffer[done..wanted];
            if (position >= InitializedSize)
            {
                target.Span.Clear();
                break;
            }

            target = target[..(int)Math.Min(target.Length, InitializedSize - position)];
            done += CompressionUnit != 0
                ? await ReadCompressedAsync(volume, position, target, cancellationToken).ConfigureAwait(false)
                : await ReadPlainAsync(volume, position, target, cancellationToken).ConfigureAwait(false);
        }

        return wanted;
    }

    private async ValueTask<int> ReadPlainAsync(NtfsVolume volume, long position, Memory<byte> target, CancellationToken cancellationToken)
    {
        var run = FindRun(position / _clusterSize);
        var inRun = position - (run.Vcn * _clusterSize);
        var chunk = (int)Math.Min(target.Length, (run.Length * _clusterSize) - inRun);
        if (run.IsSparse)
        {
            target.Span[..chunk].Clear();
        }
        else
        {
            await volume.ReadAsync((run.Lcn * _clusterSize) + inRun, target[..chunk], _what, cancellationToken).ConfigureAwait(false);
        }

        return chunk;
    }

    private async ValueTask<int> ReadCompressedAsync(NtfsVolume volume, long position, Memory<byte> target, CancellationToken cancellationToken)
    {
        var unitClusters = 1L << CompressionUnit;
        var unitBytes = (int)(unitClusters * _clusterSize);
        var unitVcn = position / unitBytes * unitClusters;
        var inUnit = (int)(position % unitBytes);
        var chunk = Math.Min(target.Length, unitBytes - inUnit);

        // A unit whose clusters are all allocated is stored as is; one with none is zeros; otherwise its
        // allocated clusters (first in VCN order) hold LZNT1 data for the whole unit.
        var allocated = new List<NtfsRun>();
        long mapped = 0;
        for (var vcn = unitVcn; vcn < unitVcn + unitClusters && vcn * _clusterSize < Length;)
        {
            var run = FindRun(vcn);
            var count = Math.Min(run.Vcn + run.Length, unitVcn + unitClusters) - vcn;
            if (!run.IsSparse)
            {
                allocated.Add(new NtfsRun(vcn, run.Lcn + (vcn - run.Vcn), count));
                mapped += count;
            }

            vcn += count;
        }

        if (mapped == 0)
        {
            target.Span[..chunk].Clear();
            return chunk;
        }

        if (mapped == unitClusters)
        {
            return await ReadPlainAsync(volume, position, target[..chunk], cancellationToken).ConfigureAwait(false);
        }

        var compressed = new byte[mapped * _clusterSize];
        var filled = 0;
        foreach (var run in allocated)
        {
            var bytes = (int)(run.Length * _clusterSize);
            await volume.ReadAsync(run.Lcn * _clusterSize, compressed.AsMemory(filled, bytes), _what, cancellationToken).ConfigureAwait(false);
            filled += bytes;
        }

        var unit = new byte[unitBytes];
        var produced = NtfsLznt1.Decompress(compressed, unit);
        unit.AsSpan(produced).Clear();
        unit.AsSpan(inUnit, chunk).CopyTo(target.Span);
        return chunk;
    }

    private NtfsRun FindRun(long vcn)
    {
        int low = 0, high = _runs.Length - 1;
        while (low <= high)
        {
            var middle = (low + high) / 2;
            var run = _runs[middle];
            if (vcn < run.Vcn)
            {
                high = middle - 1;
            }
            else if (vcn >= run.Vcn + run.Length)
            {
                low = middle + 1;
            }
            else
            {
                return run;
            }
        }

        throw new CorruptFileSystemException($"NTFS {_what}: VCN {vcn} is inside the data but no run maps it.");
    }
}

using System.Diagnostics.CodeAnalysis;

namespace Vmie.Guest.FileSystems.Fat;

/// <summary>
/// A file's or directory's cluster chain, followed through the FAT only as far as reads need it and kept as
/// runs of contiguous clusters. A loop is caught as soon as the walk comes back round (Brent's cycle
/// detection: no memory per cluster), and a chain is never followed past <c>maxClusters</c>, which callers
/// bound by the file size or the largest directory and the volume's cluster count. Thread-safe.
/// </summary>
[SuppressMessage("Design", "CA1001", Justification = "A SemaphoreSlim whose wait handle is never asked for holds nothing to dispose.")]
internal sealed class FatClusterChain
{
    // A chain split into more pieces than this is not one a real volume holds; it bounds the run list.
    private const int MaxRuns = 1 << 20;

    private readonly FatVolume _volume;
    private readonly long _maxClusters;
    private readonly string _what;
    private readonly List<(long Start, uint Cluster, uint Count)> _runs = [];
    private readonly SemaphoreSlim _gate = new(1, 1);
    private long _resolved;
    private uint _tail;
    private bool _ended;
    private uint _tortoise;
    private long _power = 1;
    private long _lambda;

    public FatClusterChain(FatVolume volume, uint firstCluster, long maxClusters, string what)
    {
        if (!volume.Boot.IsDataCluster(firstCluster))
        {
            throw new CorruptFileSystemException($"FAT {what}: first cluster {firstCluster} outside clusters 2..{volume.Boot.ClusterCount + 1}.");
        }

        _volume = volume;
        _maxClusters = Math.Min(maxClusters, volume.Boot.ClusterCount);
        _what = what;
        _runs.Add((0, firstCluster, 1));
        _resolved = 1;
        _tail = firstCluster;
        _tortoise = firstCluster;
    }

    /// <summary>
    /// The physical cluster holding the chain's cluster number <paramref name="index"/> and how many clusters
    /// follow it contiguously in the chain, or null when the chain ends before it.
    /// </summary>
    public async ValueTask<(uint Cluster, uint Count)?> RunAtAsync(long index, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            while (_resolved <= index && !_ended)
            {
                await StepAsync(cancellationToken).ConfigureAwait(false);
            }

            if (index >= _resolved)
            {
                return null;
            }

            var low = 0;
            var high = _runs.Count - 1;
            while (low < high)
            {
                var middle = (low + high + 1) / 2;
                if (_runs[middle].Start <= index)
                {
                    low = middle;
                }
                else
                {
                    high = middle - 1;
                }
            }

            var run = _runs[low];
            var skip = (uint)(index - run.Start);
            return (run.Cluster + skip, run.Count - skip);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async ValueTask StepAsync(CancellationToken cancellationToken)
    {
        var entry = await _volume.NextAsync(_tail, cancellationToken).ConfigureAwait(false);
        if (entry.IsEndOfChain)
        {
            _ended = true;
            return;
        }

        var next = entry.Next;
        if (next == _tortoise)
        {
            throw new CorruptFileSystemException($"FAT {_what}: the cluster chain loops back to cluster {next}.");
        }

        if (_resolved >= _maxClusters)
        {
            throw new CorruptFileSystemException($"FAT {_what}: the cluster chain is longer than {_maxClusters} clusters.");
        }

        // Brent: the tortoise jumps to the hare whenever the stretch walked reaches the next power of two.
        if (++_lambda == _power)
        {
            _tortoise = next;
            _power *= 2;
            _lambda = 0;
        }

        var last = _runs[^1];
        if (next == last.Cluster + last.Count && last.Count < uint.MaxValue)
        {
            _runs[^1] = (last.Start, last.Cluster, last.Count + 1);
        }
        else
        {
            if (_runs.Count >= MaxRuns)
            {
                throw new CorruptFileSystemException($"FAT {_what}: the cluster chain is split into more than {MaxRuns} pieces.");
            }

            _runs.Add((_resolved, next, 1));
        }

        _tail = next;
        _resolved++;
    }
}

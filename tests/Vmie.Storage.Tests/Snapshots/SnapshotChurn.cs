using System.Collections.Concurrent;
using Vmie.Storage.Snapshots;

namespace Vmie.Storage.Tests.Snapshots;

/// <summary>
/// A concurrent workload over shared blocks: snapshots written from a small pool of blocks (so they share
/// them), some committed, some abandoned, some committed ones deleted by other operations. Afterwards every
/// committed snapshot must read back exactly what was written.
/// </summary>
internal sealed class SnapshotChurn
{
    public const int BlocksPerSnapshot = 4;
    private const int BlockSize = StoreDirectory.SmallBlockSize;

    private readonly FileSnapshotStore _store;
    private readonly StoreDirectory _directory;
    private readonly byte[][] _pool;
    private readonly ConcurrentQueue<string> _deletable = new();

    public SnapshotChurn(FileSnapshotStore store, StoreDirectory directory, int poolSize, int firstSeed)
    {
        _store = store;
        _directory = directory;
        _pool = Enumerable.Range(0, poolSize).Select(i => TestData.RandomBytes(BlockSize, seed: firstSeed + i)).ToArray();
    }

    /// <summary>Committed snapshots still present, with the pool index of each of their blocks.</summary>
    public ConcurrentDictionary<string, int[]> Committed { get; } = new();

    /// <param name="deleteEvery">Every n-th operation deletes a committed snapshot instead of writing one.</param>
    /// <param name="abandonEvery">Every n-th operation abandons its writer instead of committing.</param>
    public Task RunAsync(int operations, int parallelism, int deleteEvery, int abandonEvery) =>
        Parallel.ForEachAsync(Enumerable.Range(0, operations), new ParallelOptions { MaxDegreeOfParallelism = parallelism }, async (i, token) =>
        {
            var random = new Random(i);
            if (i % deleteEvery == deleteEvery - 1 && _deletable.TryDequeue(out var victim))
            {
                await _store.DeleteAsync(victim, token);
                Committed.TryRemove(victim, out _);
                return;
            }

            var id = $"snap-{i:D4}";
            var choice = Enumerable.Range(0, BlocksPerSnapshot).Select(_ => random.Next(_pool.Length)).ToArray();
            await using var writer = await _store.BeginAsync(id, (long)BlocksPerSnapshot * BlockSize, token);
            for (var b = 0; b < BlocksPerSnapshot; b++)
            {
                await writer.WriteBlockAsync(b, _pool[choice[b]], token);
                await Task.Yield();
            }

            if (i % abandonEvery == abandonEvery - 1)
            {
                return; // abandoned
            }

            await writer.CommitAsync(token);
            _directory.AssertBlockFilesPresent(id);
            Committed[id] = choice;
            _deletable.Enqueue(id);
        });

    /// <summary>Every committed snapshot reads back its blocks; returns how many distinct blocks they use.</summary>
    public async Task<int> AssertCommittedReadBackAsync()
    {
        foreach (var (id, choice) in Committed)
        {
            await using var disk = await _store.OpenAsync(id);
            var read = new byte[BlockSize];
            for (var b = 0; b < BlocksPerSnapshot; b++)
            {
                await disk.ReadAsync((long)b * BlockSize, read);
                Assert.True(_pool[choice[b]].AsSpan().SequenceEqual(read), $"{id} block {b} differs");
            }
        }

        return Committed.Values.SelectMany(c => c).Distinct().Count();
    }
}

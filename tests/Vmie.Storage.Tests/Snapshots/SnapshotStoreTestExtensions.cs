using Vmie.Storage.Snapshots;

namespace Vmie.Storage.Tests.Snapshots;

internal static class SnapshotStoreTestExtensions
{
    /// <summary>Writes every block of <paramref name="data"/> (in shuffled order, from parallel tasks) and commits.</summary>
    public static async Task CommitSnapshotAsync(this ISnapshotStore store, string snapshotId, byte[] data, int seed = 1)
    {
        await using var writer = await store.BeginAsync(snapshotId, data.Length);
        await WriteBlocksAsync(writer, store.BlockSize, data, seed);
        await writer.CommitAsync();
    }

    public static async Task WriteBlocksAsync(ISnapshotWriter writer, int blockSize, byte[] data, int seed = 1)
    {
        var count = (int)((data.LongLength + blockSize - 1) / blockSize);
        var order = Enumerable.Range(0, count).ToArray();
        new Random(seed).Shuffle(order);
        await Parallel.ForEachAsync(order, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (index, token) =>
        {
            var offset = (long)index * blockSize;
            var length = (int)Math.Min(blockSize, data.Length - offset);
            await writer.WriteBlockAsync(index, data.AsMemory((int)offset, length), token);
        });
    }
}

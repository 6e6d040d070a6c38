
namespace Vmie.Storage.Tests.Snapshots;

/// <summary>A block being written by one snapshot while another snapshot that holds it is deleted.</summary>
public sealed class SnapshotStoreConcurrencyTests : IDisposable
{
    private const int BlockSize = StoreDirectory.SmallBlockSize;

    private readonly StoreDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Theory]
    [InlineData(1024)] // the reused block is only pinned in memory when the owner goes
    [InlineData(1)] // the reused block is already recorded (referenced) when the owner goes
    public async Task A_block_reused_by_a_writer_survives_the_delete_of_its_previous_owner(int recordBatchSize)
    {
        using var store = _directory.OpenStore(recordBatchSize: recordBatchSize);
        var block = TestData.RandomBytes(BlockSize, seed: 40);
        await store.CommitSnapshotAsync("snap-owner", block);

        await using var writer = await store.BeginAsync("snap-reuser", 2L * BlockSize);
        await writer.WriteBlockAsync(1, block); // finds the owner's file and reuses it
        await store.DeleteAsync("snap-owner");
        Assert.Single(_directory.BlockFiles());
        await writer.CommitAsync();

        await using (var disk = await store.OpenAsync("snap-reuser"))
        {
            var read = new byte[BlockSize];
            await disk.ReadAsync(BlockSize, read);
            Assert.Equal(block, read);
        }

        _directory.AssertReferenceCountsConsistent();
        await store.DeleteAsync("snap-reuser");
        Assert.Empty(_directory.BlockFiles());
    }

    [Fact]
    public async Task An_abandoned_writer_does_not_take_a_block_another_writer_reused_from_it()
    {
        using var store = _directory.OpenStore();
        var block = TestData.RandomBytes(BlockSize, seed: 41);
        var first = await store.BeginAsync("snap-first", BlockSize);
        await first.WriteBlockAsync(0, block);
        await using var second = await store.BeginAsync("snap-second", BlockSize);
        await second.WriteBlockAsync(0, block);
        await first.DisposeAsync();

        Assert.Single(_directory.BlockFiles());
        await second.CommitAsync();
        await using var disk = await store.OpenAsync("snap-second");
        Assert.Equal(block, await TestData.ReadAll(disk));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(1024)]
    public async Task Concurrent_writers_and_deleters_over_shared_blocks_never_lose_one(int recordBatchSize)
    {
        using var store = _directory.OpenStore(recordBatchSize: recordBatchSize);
        var churn = new SnapshotChurn(store, _directory, poolSize: 6, firstSeed: 100);

        await churn.RunAsync(operations: 240, parallelism: 6, deleteEvery: 3, abandonEvery: 5);

        _directory.AssertReferenceCountsConsistent();
        var used = await churn.AssertCommittedReadBackAsync();
        Assert.Equal((long)used * BlockSize, await store.StoredBytesAsync());
        Assert.Equal(used, _directory.BlockFiles().Count);

        foreach (var id in churn.Committed.Keys)
        {
            await store.DeleteAsync(id);
        }

        Assert.Equal(0, await store.StoredBytesAsync());
        Assert.Empty(_directory.AllFiles());
    }
}

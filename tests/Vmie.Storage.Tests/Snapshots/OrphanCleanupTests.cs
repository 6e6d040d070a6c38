using Microsoft.Data.Sqlite;
using Vmie.Storage.Snapshots;

namespace Vmie.Storage.Tests.Snapshots;

/// <summary>What a crash leaves behind, and the cleanup the host runs at start.</summary>
public sealed class OrphanCleanupTests : IDisposable
{
    private const int BlockSize = StoreDirectory.SmallBlockSize;

    private readonly StoreDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Cleanup_after_a_crash_releases_unfinished_snapshots_and_removes_stray_files()
    {
        var kept = TestData.RandomBytes(2 * BlockSize, seed: 50);
        var unfinished = new byte[5 * BlockSize];
        kept.CopyTo(unfinished, 0); // shares both blocks with the committed snapshot
        TestData.RandomBytes(3 * BlockSize, seed: 51).CopyTo(unfinished, 2 * BlockSize);
        string strayBlock;
        string tempFile;
        string foreignFile;

        using (var store = _directory.OpenStore(recordBatchSize: 2))
        {
            await store.CommitSnapshotAsync("snap-kept", kept);

            // The process "dies" while this writer is open: it is never disposed.
            var writer = await store.BeginAsync("snap-unfinished", unfinished.Length);
            await SnapshotStoreTestExtensions.WriteBlocksAsync(writer, BlockSize, unfinished);
            Assert.Equal(5, _directory.BlockFiles().Count);

            var strayHash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(new byte[] { 1, 2, 3 }));
            var strayDirectory = Path.Combine(_directory.BlockRoot, strayHash[..2], strayHash[2..4]);
            Directory.CreateDirectory(strayDirectory);
            strayBlock = Path.Combine(strayDirectory, strayHash);
            File.WriteAllBytes(strayBlock, [1, 2, 3]);
            tempFile = Path.Combine(strayDirectory, $"{strayHash}.{Guid.NewGuid():N}.tmp");
            File.WriteAllBytes(tempFile, [1, 2]);
            foreignFile = Path.Combine(_directory.BlockRoot, "README");
            File.WriteAllText(foreignFile, "not a block");
        }

        SqliteConnection.ClearAllPools();
        using (var store = _directory.OpenStore())
        {
            var cleanup = await store.RemoveOrphansAsync();

            Assert.Equal(1, cleanup.AbandonedSnapshots);
            Assert.Equal(1, cleanup.TempFilesRemoved);
            Assert.Equal(4, cleanup.BlocksRemoved); // three unfinished-only blocks and the stray one
            Assert.False(File.Exists(strayBlock));
            Assert.False(File.Exists(tempFile));
            Assert.True(File.Exists(foreignFile));
            Assert.Equal(2, _directory.BlockFiles().Count);
            Assert.Equal(2L * BlockSize, await store.StoredBytesAsync());
            _directory.AssertReferenceCountsConsistent();
            await using var disk = await store.OpenAsync("snap-kept");
            Assert.Equal(kept, await TestData.ReadAll(disk));

            var again = await store.RemoveOrphansAsync();
            Assert.Equal(new SnapshotStoreCleanup(0, 0, 0), again);
        }
    }

    [Fact]
    public async Task Cleanup_removes_unreferenced_block_rows_with_their_files()
    {
        using var store = _directory.OpenStore();
        await store.CommitSnapshotAsync("snap-x", TestData.RandomBytes(BlockSize, seed: 52));

        // As a crash between releasing the references and deleting the blocks would leave it.
        _directory.Execute("""
            DELETE FROM snapshot_store_manifest;
            DELETE FROM snapshot_store_contents;
            UPDATE snapshot_store_blocks SET refs = 0;
            """);

        var cleanup = await store.RemoveOrphansAsync();
        Assert.Equal(1, cleanup.BlocksRemoved);
        Assert.Empty(_directory.BlockFiles());
        Assert.Equal(0, _directory.Count("snapshot_store_blocks"));
    }

    [Fact]
    public async Task Cleanup_leaves_the_blocks_of_live_writers_alone()
    {
        using var store = _directory.OpenStore(recordBatchSize: 2);
        var data = TestData.RandomBytes(3 * BlockSize, seed: 53);
        await using var writer = await store.BeginAsync("snap-live", data.Length);
        await SnapshotStoreTestExtensions.WriteBlocksAsync(writer, BlockSize, data); // two recorded, one only pinned

        var cleanup = await store.RemoveOrphansAsync();
        Assert.Equal(new SnapshotStoreCleanup(0, 0, 0), cleanup);
        Assert.Equal(3, _directory.BlockFiles().Count);

        await writer.CommitAsync();
        await using var disk = await store.OpenAsync("snap-live");
        Assert.Equal(data, await TestData.ReadAll(disk));
    }

    [Fact]
    public async Task Beginning_a_snapshot_left_unfinished_by_a_crash_starts_it_over()
    {
        var data = TestData.RandomBytes(2 * BlockSize, seed: 54);
        using (var store = _directory.OpenStore(recordBatchSize: 1))
        {
            var writer = await store.BeginAsync("snap-retry", data.Length);
            await writer.WriteBlockAsync(0, TestData.RandomBytes(BlockSize, seed: 55));
        }

        SqliteConnection.ClearAllPools();
        using (var store = _directory.OpenStore())
        {
            await store.CommitSnapshotAsync("snap-retry", data);
            await using var disk = await store.OpenAsync("snap-retry");
            Assert.Equal(data, await TestData.ReadAll(disk));
            Assert.Equal(data.Length, await store.StoredBytesAsync());
            _directory.AssertReferenceCountsConsistent();
        }
    }

    [Fact]
    public async Task A_delete_retried_after_an_interruption_removes_the_blocks_left_behind()
    {
        using var store = _directory.OpenStore();
        await store.CommitSnapshotAsync("snap-x", TestData.RandomBytes(2 * BlockSize, seed: 56));

        // What a delete cancelled after releasing the snapshot's rows leaves: unreferenced blocks with their files.
        _directory.Execute("""
            DELETE FROM snapshot_store_manifest;
            DELETE FROM snapshot_store_contents;
            UPDATE snapshot_store_blocks SET refs = 0;
            """);

        await store.DeleteAsync("snap-x");

        Assert.Empty(_directory.BlockFiles());
        Assert.Equal(0, _directory.Count("snapshot_store_blocks"));
    }

    [Fact]
    public async Task The_cleanup_started_in_the_background_removes_what_a_crash_left()
    {
        var kept = TestData.RandomBytes(2 * BlockSize, seed: 57);
        using (var store = _directory.OpenStore())
        {
            await store.CommitSnapshotAsync("snap-kept", kept);
        }

        var strays = WriteStrayBlockFiles(50, firstSeed: 0);
        SqliteConnection.ClearAllPools();
        using (var store = _directory.OpenStore())
        {
            var cleanup = await store.StartRemovingOrphans();

            Assert.Equal(new SnapshotStoreCleanup(0, 50, 50), cleanup);
            Assert.All(strays, path => Assert.False(File.Exists(path)));
            Assert.Equal(2, _directory.BlockFiles().Count);
            await using var disk = await store.OpenAsync("snap-kept");
            Assert.Equal(kept, await TestData.ReadAll(disk));
            await Assert.ThrowsAsync<InvalidOperationException>(() => store.StartRemovingOrphans());
        }
    }

    [Fact]
    public async Task Disposing_the_store_stops_the_background_cleanup_and_waits_for_it()
    {
        var strays = WriteStrayBlockFiles(3000, firstSeed: 0);
        var store = _directory.OpenStore();
        var cleanup = store.StartRemovingOrphans();

        store.Dispose();

        Assert.True(cleanup.IsCompleted, "the store let go of its root while its clean-up still ran");
        var left = strays.Count(File.Exists);
        await Task.Delay(200);
        Assert.Equal(left, strays.Count(File.Exists));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => store.StartRemovingOrphans());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public async Task The_cleanup_running_beside_writers_and_deleters_never_takes_a_block_in_use(int recordBatchSize)
    {
        // Why the host may serve while the clean-up runs: pinned blocks are skipped, recorded ones are known.
        using var store = _directory.OpenStore(recordBatchSize: recordBatchSize);
        var churn = new SnapshotChurn(store, _directory, poolSize: 8, firstSeed: 200);
        var strays = WriteStrayBlockFiles(100, firstSeed: 0);
        using var stop = new CancellationTokenSource();
        var passes = 0;
        var cleaner = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await store.RemoveOrphansAsync();
                passes++;
            }
        });

        await churn.RunAsync(operations: 300, parallelism: 4, deleteEvery: 4, abandonEvery: 7);
        await stop.CancelAsync();
        await cleaner;

        Assert.True(passes > 0);
        _directory.AssertReferenceCountsConsistent();
        var used = await churn.AssertCommittedReadBackAsync();

        Assert.All(strays, path => Assert.False(File.Exists(path)));
        Assert.Equal(used, _directory.BlockFiles().Count);
    }

    /// <summary>Block files (and beside each a temp file) that no database row knows, as a crash leaves them.</summary>
    private List<string> WriteStrayBlockFiles(int count, int firstSeed)
    {
        var paths = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(BitConverter.GetBytes(firstSeed + i)));
            var directory = Path.Combine(_directory.BlockRoot, hash[..2], hash[2..4]);
            Directory.CreateDirectory(directory);
            var block = Path.Combine(directory, hash);
            File.WriteAllBytes(block, [1]);
            var temp = Path.Combine(directory, $"{hash}.{Guid.NewGuid():N}.tmp");
            File.WriteAllBytes(temp, [2]);
            paths.Add(block);
            paths.Add(temp);
        }

        return paths;
    }
}

using Vmie.Disks.Abstractions;
using Vmie.Storage.Snapshots;

namespace Vmie.Storage.Tests.Snapshots;

public sealed class FileSnapshotStoreTests : IDisposable
{
    private const int BlockSize = StoreDirectory.SmallBlockSize;

    private readonly StoreDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Random_data_with_holes_reads_back_identically_at_any_offset_and_length()
    {
        using var store = _directory.OpenStore();
        var data = TestData.DiskWithHoles((37L * BlockSize) + 12_345, BlockSize, seed: 7);
        data[^1] = 0xAB; // the partial last block holds data
        await store.CommitSnapshotAsync("snap-a", data);

        await using var disk = await store.OpenAsync("snap-a");
        Assert.Equal(data.Length, disk.Capacity);
        Assert.Equal(data, await TestData.ReadAll(disk));

        var random = new Random(11);
        for (var i = 0; i < 600; i++)
        {
            var offset = random.NextInt64(data.Length);
            var buffer = new byte[random.Next(1, 3 * BlockSize)];
            random.NextBytes(buffer); // stale bytes must be overwritten, zeros included
            var read = await disk.ReadAsync(offset, buffer);
            var expected = (int)Math.Min(buffer.Length, data.Length - offset);
            Assert.Equal(expected, read);
            Assert.True(data.AsSpan((int)offset, expected).SequenceEqual(buffer.AsSpan(0, expected)), $"read at {offset} of {buffer.Length} bytes differs");
        }
    }

    [Fact]
    public async Task Reads_across_block_boundaries_and_the_partial_last_block_are_exact()
    {
        using var store = _directory.OpenStore();
        var data = TestData.RandomBytes((3 * BlockSize) + 1000, seed: 3);
        data.AsSpan(BlockSize, BlockSize).Clear(); // a hole in the middle
        await store.CommitSnapshotAsync("snap-b", data);
        await using var disk = await store.OpenAsync("snap-b");

        foreach (var (offset, length) in new (long, int)[]
        {
            (BlockSize - 1, 2), (BlockSize - 10, BlockSize + 20), (2L * BlockSize - 5, 10), (0, data.Length),
            (3L * BlockSize, 1000), (3L * BlockSize + 999, 1), (3L * BlockSize - 1, 1001), (5, (3 * BlockSize) - 10),
        })
        {
            var buffer = new byte[length];
            Assert.Equal(length, await disk.ReadAsync(offset, buffer));
            Assert.True(data.AsSpan((int)offset, length).SequenceEqual(buffer), $"read at {offset} of {length} bytes differs");
        }

        var tail = new byte[5000];
        Assert.Equal(1000, await disk.ReadAsync(3L * BlockSize, tail));
        Assert.True(data.AsSpan(3 * BlockSize).SequenceEqual(tail.AsSpan(0, 1000)));
        Assert.Equal(0, await disk.ReadAsync(data.Length, tail));
        Assert.Equal(0, await disk.ReadAsync(data.Length + 10L, tail));
    }

    [Fact]
    public async Task Parallel_readers_see_the_same_bytes()
    {
        using var store = _directory.OpenStore();
        var data = TestData.DiskWithHoles(20L * BlockSize, BlockSize, seed: 5);
        await store.CommitSnapshotAsync("snap-p", data);
        await using var disk = await store.OpenAsync("snap-p");

        await Parallel.ForEachAsync(Enumerable.Range(0, 8), async (reader, token) =>
        {
            var random = new Random(reader);
            for (var i = 0; i < 200; i++)
            {
                var offset = random.NextInt64(data.Length);
                var buffer = new byte[random.Next(1, 8192)];
                var read = await disk.ReadAsync(offset, buffer, token);
                Assert.True(data.AsSpan((int)offset, read).SequenceEqual(buffer.AsSpan(0, read)));
            }
        });
    }

    [Fact]
    public async Task Allocated_extents_are_the_coalesced_runs_of_stored_blocks()
    {
        using var store = _directory.OpenStore();
        var data = TestData.DiskWithHoles((29L * BlockSize) + 777, BlockSize, seed: 9);
        data[^1] = 1;
        await store.CommitSnapshotAsync("snap-e", data);
        await using var disk = await store.OpenAsync("snap-e");

        var extents = await TestData.ExtentsOf(disk);
        Assert.Equal(TestData.ExpectedExtents(data, BlockSize), extents);
        Assert.Equal(data.Length, extents[^1].End);
    }

    [Fact]
    public async Task Zero_blocks_are_neither_stored_nor_listed()
    {
        using var store = _directory.OpenStore();
        var data = new byte[6 * BlockSize];
        data[(4 * BlockSize) + 17] = 42;
        await store.CommitSnapshotAsync("snap-z", data);

        Assert.Equal(BlockSize, await store.StoredBytesAsync());
        Assert.Single(_directory.BlockFiles());
        Assert.Equal(1, _directory.Count("snapshot_store_manifest"));
        await using var disk = await store.OpenAsync("snap-z");
        Assert.Equal([new DiskExtent(4L * BlockSize, BlockSize)], await TestData.ExtentsOf(disk));
        Assert.Equal(data, await TestData.ReadAll(disk));
    }

    [Fact]
    public async Task An_all_zero_disk_stores_nothing_and_reads_as_zeros()
    {
        using var store = _directory.OpenStore();
        await store.CommitSnapshotAsync("snap-empty", new byte[(3 * BlockSize) + 5]);

        Assert.Equal(0, await store.StoredBytesAsync());
        Assert.Empty(_directory.BlockFiles());
        await using var disk = await store.OpenAsync("snap-empty");
        Assert.Empty(await TestData.ExtentsOf(disk));
        var buffer = new byte[BlockSize + 10];
        Array.Fill(buffer, (byte)0xFF);
        Assert.Equal(buffer.Length, await disk.ReadAsync(BlockSize - 5, buffer));
        Assert.All(buffer, b => Assert.Equal(0, b));
    }

    [Fact]
    public async Task Identical_snapshots_store_their_blocks_once_and_release_them_with_the_last_one()
    {
        using var store = _directory.OpenStore();
        var data = TestData.DiskWithHoles(16L * BlockSize, BlockSize, seed: 21);
        var dataBytes = TestData.NonZeroBlockBytes(data, BlockSize);
        await store.CommitSnapshotAsync("snap-1", data, seed: 1);
        await store.CommitSnapshotAsync("snap-2", data, seed: 2);

        Assert.Equal(dataBytes, await store.StoredBytesAsync());
        Assert.Equal(dataBytes / BlockSize, _directory.BlockFiles().Count);

        await store.DeleteAsync("snap-1");
        Assert.Equal(dataBytes, await store.StoredBytesAsync());
        await Assert.ThrowsAsync<KeyNotFoundException>(() => store.OpenAsync("snap-1"));
        await using (var disk = await store.OpenAsync("snap-2"))
        {
            Assert.Equal(data, await TestData.ReadAll(disk));
        }

        await store.DeleteAsync("snap-2");
        Assert.Equal(0, await store.StoredBytesAsync());
        Assert.Empty(_directory.AllFiles());
        Assert.Equal(0, _directory.Count("snapshot_store_blocks"));
        Assert.Equal(0, _directory.Count("snapshot_store_manifest"));
        Assert.Equal(0, _directory.Count("snapshot_store_contents"));
    }

    [Fact]
    public async Task A_block_repeated_within_a_snapshot_is_stored_once()
    {
        using var store = _directory.OpenStore();
        var block = TestData.RandomBytes(BlockSize, seed: 4);
        var data = new byte[5 * BlockSize];
        foreach (var index in new[] { 0, 2, 3 })
        {
            block.CopyTo(data, index * BlockSize);
        }

        await store.CommitSnapshotAsync("snap-r", data);
        Assert.Equal(BlockSize, await store.StoredBytesAsync());
        _directory.AssertReferenceCountsConsistent();
        await using (var disk = await store.OpenAsync("snap-r"))
        {
            Assert.Equal(data, await TestData.ReadAll(disk));
        }

        await store.DeleteAsync("snap-r");
        Assert.Equal(0, await store.StoredBytesAsync());
        Assert.Empty(_directory.BlockFiles());
    }

    [Theory]
    [InlineData(1024)] // nothing recorded before the dispose
    [InlineData(2)] // most blocks already recorded in batches
    public async Task An_abandoned_writer_releases_exactly_the_blocks_nobody_else_uses(int recordBatchSize)
    {
        using var store = _directory.OpenStore(recordBatchSize: recordBatchSize);
        var shared = TestData.RandomBytes(2 * BlockSize, seed: 31);
        await store.CommitSnapshotAsync("snap-kept", shared);

        var data = new byte[8 * BlockSize];
        shared.CopyTo(data, 0);
        TestData.RandomBytes(5 * BlockSize, seed: 32).CopyTo(data, 3 * BlockSize);
        await using (var writer = await store.BeginAsync("snap-abandoned", data.Length))
        {
            await SnapshotStoreTestExtensions.WriteBlocksAsync(writer, BlockSize, data);
            Assert.Equal(7, _directory.BlockFiles().Count);
        }

        Assert.Equal(2L * BlockSize, await store.StoredBytesAsync());
        Assert.Equal(2, _directory.BlockFiles().Count);
        Assert.DoesNotContain(_directory.AllFiles(), f => f.EndsWith(".tmp", StringComparison.Ordinal));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => store.OpenAsync("snap-abandoned"));
        _directory.AssertReferenceCountsConsistent();
        await using var kept = await store.OpenAsync("snap-kept");
        Assert.Equal(shared, await TestData.ReadAll(kept));

        // The id is free again.
        await store.CommitSnapshotAsync("snap-abandoned", data);
        Assert.Equal(7L * BlockSize, await store.StoredBytesAsync());
    }

    [Fact]
    public async Task Unknown_and_uncommitted_snapshots_cannot_be_opened()
    {
        using var store = _directory.OpenStore();
        await Assert.ThrowsAsync<KeyNotFoundException>(() => store.OpenAsync("snap-none"));
        await using var writer = await store.BeginAsync("snap-w", BlockSize);
        await writer.WriteBlockAsync(0, TestData.RandomBytes(BlockSize, 1));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => store.OpenAsync("snap-w"));
    }

    [Fact]
    public async Task A_snapshot_id_cannot_be_begun_twice()
    {
        using var store = _directory.OpenStore();
        await store.CommitSnapshotAsync("snap-c", TestData.RandomBytes(100, 1));
        await Assert.ThrowsAsync<InvalidOperationException>(() => store.BeginAsync("snap-c", 100));

        await using var writer = await store.BeginAsync("snap-d", 100);
        await Assert.ThrowsAsync<InvalidOperationException>(() => store.BeginAsync("snap-d", 100));
    }

    [Fact]
    public async Task The_writer_rejects_wrong_lengths_and_indices()
    {
        using var store = _directory.OpenStore();
        await using var writer = await store.BeginAsync("snap-v", (2L * BlockSize) + 10);
        await Assert.ThrowsAsync<ArgumentException>(async () => await writer.WriteBlockAsync(0, new byte[BlockSize - 1]));
        await Assert.ThrowsAsync<ArgumentException>(async () => await writer.WriteBlockAsync(2, new byte[BlockSize]));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await writer.WriteBlockAsync(3, new byte[10]));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await writer.WriteBlockAsync(-1, new byte[BlockSize]));
        await writer.WriteBlockAsync(2, TestData.RandomBytes(10, 1));
    }

    [Fact]
    public async Task A_block_written_twice_fails_the_commit_and_leaves_nothing()
    {
        using var store = _directory.OpenStore();
        await using (var writer = await store.BeginAsync("snap-dup", 2L * BlockSize))
        {
            await writer.WriteBlockAsync(1, TestData.RandomBytes(BlockSize, 1));
            await writer.WriteBlockAsync(1, TestData.RandomBytes(BlockSize, 2));
            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => writer.CommitAsync());
            Assert.Contains("written twice", error.Message, StringComparison.Ordinal);
            await Assert.ThrowsAsync<InvalidOperationException>(async () => await writer.WriteBlockAsync(0, TestData.RandomBytes(BlockSize, 3)));
        }

        Assert.Equal(0, await store.StoredBytesAsync());
        Assert.Empty(_directory.AllFiles());
        Assert.Equal(0, _directory.Count("snapshot_store_contents"));
    }

    [Fact]
    public async Task A_committed_writer_accepts_nothing_more_and_its_dispose_keeps_the_snapshot()
    {
        using var store = _directory.OpenStore();
        var data = TestData.RandomBytes(BlockSize, 8);
        await using (var writer = await store.BeginAsync("snap-k", BlockSize))
        {
            await writer.WriteBlockAsync(0, data);
            await writer.CommitAsync();
            await Assert.ThrowsAsync<InvalidOperationException>(async () => await writer.WriteBlockAsync(0, data));
            await Assert.ThrowsAsync<InvalidOperationException>(() => writer.CommitAsync());
        }

        await using var disk = await store.OpenAsync("snap-k");
        Assert.Equal(data, await TestData.ReadAll(disk));
    }

    [Fact]
    public async Task Deleting_an_unknown_snapshot_does_nothing_but_one_being_written_is_refused()
    {
        using var store = _directory.OpenStore();
        await store.DeleteAsync("snap-nothing");
        await using var writer = await store.BeginAsync("snap-busy", BlockSize);
        await Assert.ThrowsAsync<InvalidOperationException>(() => store.DeleteAsync("snap-busy"));
    }

    [Fact]
    public async Task Reading_a_snapshot_deleted_while_open_fails_loudly()
    {
        using var store = _directory.OpenStore();
        await store.CommitSnapshotAsync("snap-gone", TestData.RandomBytes(3 * BlockSize, 2));
        await using var disk = await store.OpenAsync("snap-gone");
        await store.DeleteAsync("snap-gone");

        await Assert.ThrowsAsync<KeyNotFoundException>(async () => await disk.ReadAsync(0, new byte[10]));
        await Assert.ThrowsAsync<KeyNotFoundException>(async () => await TestData.ExtentsOf(disk));
    }

    [Fact]
    public async Task A_damaged_block_file_is_detected_on_read()
    {
        using var store = _directory.OpenStore();
        await store.CommitSnapshotAsync("snap-bad", TestData.RandomBytes(BlockSize, 2));
        var file = Assert.Single(_directory.BlockFiles());
        var bytes = File.ReadAllBytes(file);
        bytes[100] ^= 0xFF;
        File.WriteAllBytes(file, bytes);

        await using var disk = await store.OpenAsync("snap-bad");
        await Assert.ThrowsAsync<InvalidDataException>(async () => await disk.ReadAsync(0, new byte[BlockSize]));
        await Assert.ThrowsAsync<InvalidDataException>(async () => await disk.ReadAsync(10, new byte[10]));

        File.Delete(file);
        await Assert.ThrowsAsync<InvalidDataException>(async () => await disk.ReadAsync(0, new byte[BlockSize]));
    }

    [Fact]
    public async Task A_damaged_file_is_replaced_rather_than_reused_by_a_later_writer()
    {
        using var store = _directory.OpenStore();
        var data = TestData.RandomBytes(BlockSize, 12);
        await store.CommitSnapshotAsync("snap-1", data);
        var file = Assert.Single(_directory.BlockFiles());
        File.WriteAllBytes(file, new byte[10]); // e.g. truncated by a crash

        await store.CommitSnapshotAsync("snap-2", data);
        await using var disk = await store.OpenAsync("snap-2");
        Assert.Equal(data, await TestData.ReadAll(disk));
    }

    [Fact]
    public async Task Snapshots_survive_reopening_and_keep_their_block_size()
    {
        var data = TestData.DiskWithHoles((10L * BlockSize) + 3, BlockSize, seed: 13);
        using (var store = _directory.OpenStore(BlockSize))
        {
            await store.CommitSnapshotAsync("snap-old", data);
        }

        using (var store = _directory.OpenStore(4 * BlockSize))
        {
            Assert.Equal(4 * BlockSize, store.BlockSize);
            await using var disk = await store.OpenAsync("snap-old");
            Assert.Equal(data, await TestData.ReadAll(disk));
            Assert.Equal(TestData.ExpectedExtents(data, BlockSize), await TestData.ExtentsOf(disk));

            await store.CommitSnapshotAsync("snap-new", data);
            await using var bigger = await store.OpenAsync("snap-new");
            Assert.Equal(data, await TestData.ReadAll(bigger));
            Assert.Equal(TestData.ExpectedExtents(data, 4 * BlockSize), await TestData.ExtentsOf(bigger));
        }
    }

    [Fact]
    public async Task A_second_store_on_the_same_root_is_refused()
    {
        using var store = _directory.OpenStore();
        Assert.Throws<InvalidOperationException>(() => _directory.OpenStore());
        store.Dispose();
        using var again = _directory.OpenStore();
        Assert.Equal(0, await again.StoredBytesAsync());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(32 * 1024)]
    [InlineData((64 * 1024) + 1)]
    [InlineData(3 << 20)]
    [InlineData(128 << 20)]
    public void The_block_size_must_be_a_power_of_two_in_range(int blockSize) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => _directory.OpenStore(blockSize));

    [Fact]
    public async Task The_schema_is_versioned_under_the_snapshots_component()
    {
        using var store = _directory.OpenStore();
        Assert.Equal(SnapshotStoreSchema.Migrations.Count, _directory.Database.SchemaVersion("snapshots"));
        Assert.Equal(0, await store.StoredBytesAsync());
    }
}

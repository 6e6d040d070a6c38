using Vmie.Disks.Abstractions;
using Vmie.Disks.Raw;
using Vmie.Disks.Sources;
using Vmie.Storage.Snapshots;

namespace Vmie.Storage.Tests.Snapshots;

public sealed class SnapshotImporterTests : IDisposable
{
    private const int BlockSize = StoreDirectory.SmallBlockSize;

    private readonly StoreDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task A_raw_file_imports_and_reads_back_identically()
    {
        using var store = _directory.OpenStore();
        var data = TestData.DiskWithHoles((83L * BlockSize) + 4321, BlockSize, seed: 60);
        data[^2] = 9;
        var image = Path.Combine(_directory.Path, "disk.raw");
        await File.WriteAllBytesAsync(image, data);

        SnapshotImportResult result;
        await using (var source = new RawDisk(FileBlockSource.Open(image)))
        {
            result = await new SnapshotImporter(store).ImportAsync(source, "snap-raw", null);
        }

        var dataBytes = TestData.NonZeroBlockBytes(data, BlockSize);
        Assert.Equal(new SnapshotImportResult(data.Length, dataBytes), result);
        Assert.Equal(dataBytes, await store.StoredBytesAsync());
        await using var disk = await store.OpenAsync("snap-raw");
        Assert.Equal(data, await TestData.ReadAll(disk));
        Assert.Equal(TestData.ExpectedExtents(data, BlockSize), await TestData.ExtentsOf(disk));
        _directory.AssertReferenceCountsConsistent();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public async Task Only_blocks_under_allocated_extents_are_read_and_unaligned_extents_share_blocks(int workers)
    {
        using var store = _directory.OpenStore();
        var data = new byte[(20L * BlockSize) + 100];
        DiskExtent[] extents =
        [
            new(100, 50), // two extents in block 0
            new(BlockSize - 10, 20), // crosses into block 1
            new(5L * BlockSize, 2L * BlockSize), // blocks 5-6, aligned
            new((9L * BlockSize) + 7, 0), // empty
            new((12L * BlockSize) + 3, 4), // block 12
            new((20L * BlockSize) + 90, 10), // the partial last block
        ];
        var random = new Random(61);
        foreach (var extent in extents)
        {
            random.NextBytes(data.AsSpan((int)extent.Offset, (int)extent.Length));
        }

        var source = new MemoryDisk(data, extents);
        var progress = new RecordingProgress();
        var result = await new SnapshotImporter(store, workers).ImportAsync(source, "snap-sparse", progress);

        Assert.Equal((5L * BlockSize) + 100, result.DataBytes); // blocks 0, 1, 5, 6, 12 and the 100-byte last one
        var blocksRead = source.Reads.Select(r => r.Offset / BlockSize).Order().ToList();
        Assert.Equal([0, 1, 5, 6, 12, 20], blocksRead);
        Assert.All(source.Reads, r => Assert.Equal(0, r.Offset % BlockSize));
        await using var disk = await store.OpenAsync("snap-sparse");
        Assert.Equal(data, await TestData.ReadAll(disk));
        Assert.Equal(data.Length, progress.Values[^1]);
    }

    [Fact]
    public async Task Progress_is_monotonic_and_ends_at_the_capacity()
    {
        using var store = _directory.OpenStore();
        var data = TestData.DiskWithHoles(150L * BlockSize, BlockSize, seed: 62);
        var source = new MemoryDisk(data) { BeforeRead = _ => new ValueTask(Task.Delay(2)) };
        var progress = new RecordingProgress();

        await new SnapshotImporter(store).ImportAsync(source, "snap-progress", progress);

        Assert.True(progress.Values.Count >= 2, $"only {progress.Values.Count} progress reports");
        Assert.Equal(progress.Values.Order(), progress.Values);
        Assert.Equal(progress.Values.Distinct(), progress.Values);
        Assert.Equal(data.Length, progress.Values[^1]);
    }

    [Fact]
    public async Task A_fixed_small_set_of_buffers_carries_any_disk()
    {
        using var store = _directory.OpenStore();
        var data = TestData.DiskWithHoles(200L * BlockSize, BlockSize, seed: 63);
        var source = new MemoryDisk(data);

        await new SnapshotImporter(store).ImportAsync(source, "snap-buffers", null);

        Assert.Equal(200, source.Reads.Count);
        Assert.InRange(source.BuffersSeen.Count, 2, SnapshotImporter.MaxBytesInFlight / BlockSize);
        Assert.InRange(source.BuffersSeen.Count, 2, (2 * Environment.ProcessorCount) + 2);
    }

    [Fact]
    public async Task Cancellation_mid_import_stops_promptly_and_leaves_nothing()
    {
        using var store = _directory.OpenStore(recordBatchSize: 4);
        var data = TestData.RandomBytes(200 * BlockSize, seed: 64);
        using var cancellation = new CancellationTokenSource();
        var source = new MemoryDisk(data)
        {
            BeforeRead = async number =>
            {
                if (number == 40)
                {
                    await cancellation.CancelAsync();
                }
            },
        };

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => new SnapshotImporter(store).ImportAsync(source, "snap-cancelled", null, cancellation.Token));

        // Reads already under way on the other workers finish; no new one starts.
        Assert.InRange(source.Reads.Count, 40, 40 + Environment.ProcessorCount);
        AssertNothingLeft(store);
        await Assert.ThrowsAsync<KeyNotFoundException>(() => store.OpenAsync("snap-cancelled"));

        // The same id can be imported afterwards.
        await new SnapshotImporter(store).ImportAsync(new MemoryDisk(data), "snap-cancelled", null);
        await using var disk = await store.OpenAsync("snap-cancelled");
        Assert.Equal(data, await TestData.ReadAll(disk));
    }

    [Fact]
    public async Task A_raw_file_truncated_under_the_importer_fails_and_leaves_nothing()
    {
        using var store = _directory.OpenStore();
        var image = Path.Combine(_directory.Path, "short.raw");
        await File.WriteAllBytesAsync(image, TestData.RandomBytes(40 * BlockSize, seed: 65));
        await using var source = new RawDisk(FileBlockSource.Open(image)); // declares 40 blocks
        using (var file = new FileStream(image, FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete))
        {
            file.SetLength((25L * BlockSize) + 7);
        }

        await Assert.ThrowsAsync<EndOfStreamException>(() => new SnapshotImporter(store).ImportAsync(source, "snap-short", null));

        AssertNothingLeft(store);
    }

    [Fact]
    public async Task A_read_error_of_the_source_propagates_unchanged_and_leaves_nothing()
    {
        using var store = _directory.OpenStore(recordBatchSize: 2);
        var failure = new IOException("the disk went away");
        var source = new MemoryDisk(TestData.RandomBytes(50 * BlockSize, seed: 66))
        {
            BeforeRead = number => number == 30 ? throw failure : ValueTask.CompletedTask,
        };

        var thrown = await Assert.ThrowsAsync<IOException>(() => new SnapshotImporter(store).ImportAsync(source, "snap-broken", null));

        Assert.Same(failure, thrown);
        AssertNothingLeft(store);
    }

    [Fact]
    public async Task Extents_out_of_order_are_refused()
    {
        using var store = _directory.OpenStore();
        var source = new MemoryDisk(TestData.RandomBytes(4 * BlockSize, seed: 67), [new(2L * BlockSize, 10), new(0, 10)]);

        await Assert.ThrowsAsync<InvalidDataException>(() => new SnapshotImporter(store).ImportAsync(source, "snap-disorder", null));

        AssertNothingLeft(store);
    }

    [Fact]
    public async Task Importing_over_an_existing_snapshot_fails_and_keeps_it()
    {
        using var store = _directory.OpenStore();
        var data = TestData.RandomBytes(3 * BlockSize, seed: 68);
        await new SnapshotImporter(store).ImportAsync(new MemoryDisk(data), "snap-taken", null);

        await Assert.ThrowsAsync<InvalidOperationException>(
            () => new SnapshotImporter(store).ImportAsync(new MemoryDisk(TestData.RandomBytes(BlockSize, 69)), "snap-taken", null));

        await using var disk = await store.OpenAsync("snap-taken");
        Assert.Equal(data, await TestData.ReadAll(disk));
        Assert.Equal(data.Length, await store.StoredBytesAsync());
    }

    [Fact]
    public async Task An_empty_disk_imports_as_an_empty_snapshot()
    {
        using var store = _directory.OpenStore();
        var result = await new SnapshotImporter(store).ImportAsync(new MemoryDisk([]), "snap-nil", null);

        Assert.Equal(new SnapshotImportResult(0, 0), result);
        await using var disk = await store.OpenAsync("snap-nil");
        Assert.Equal(0, disk.Capacity);
    }

    private void AssertNothingLeft(FileSnapshotStore store)
    {
        Assert.Equal(0, store.StoredBytesAsync().GetAwaiter().GetResult());
        Assert.Empty(_directory.AllFiles());
        Assert.Equal(0, _directory.Count("snapshot_store_contents"));
        Assert.Equal(0, _directory.Count("snapshot_store_manifest"));
        Assert.Equal(0, _directory.Count("snapshot_store_blocks"));
    }

    /// <summary>Records reports synchronously, in the order they were made (Progress&lt;T&gt; would post them).</summary>
    private sealed class RecordingProgress : IProgress<long>
    {
        private readonly Lock _lock = new();

        public List<long> Values { get; } = [];

        public void Report(long value)
        {
            lock (_lock)
            {
                Values.Add(value);
            }
        }
    }
}

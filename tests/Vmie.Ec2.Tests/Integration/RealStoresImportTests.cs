using Microsoft.Extensions.DependencyInjection;
using Vmie.Ec2.Composition;
using Vmie.Ec2.Contracts.Common;
using Vmie.Ec2.Contracts.ImportSnapshots;
using Vmie.Ec2.Contracts.Snapshots;
using Vmie.Ec2.Imports;
using Vmie.Ec2.Persistence;
using Vmie.Ec2.Requests;
using Vmie.Ec2.Snapshots;
using Vmie.Ec2.Tasks;
using Vmie.Ec2.Tests.TestDoubles;
using Vmie.Storage.Metadata;
using Vmie.Storage.Objects;
using Vmie.Storage.Snapshots;

namespace Vmie.Ec2.Tests.Integration;

/// <summary>ImportSnapshot end to end over the real file-system object store, snapshot store and importer.</summary>
public sealed class RealStoresImportTests : IAsyncLifetime
{
    private const int MiB = 1 << 20;
    private const string Account = "111122223333";
    private const string Region = "eu-central-1";

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "vmie-ec2-integration", Guid.NewGuid().ToString("N"));
    private readonly Ec2RequestContext _context = new(Account, Region, "AKIDEXAMPLE", "request-1");
    private MetadataDatabase _database = null!;
    private FileSnapshotStore _snapshots = null!;
    private FileSystemObjectStore _objects = null!;
    private ServiceProvider _provider = null!;

    public Task InitializeAsync()
    {
        _database = new MetadataDatabase(Path.Combine(_directory, "metadata.db"));
        _database.Migrate(Ec2Schema.Migrations.Concat(FileSystemObjectStore.SchemaMigrations));
        _objects = new FileSystemObjectStore(_database, Path.Combine(_directory, "objects"));
        _snapshots = new FileSnapshotStore(_database, Path.Combine(_directory, "snapshots"));

        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(_database);
        services.AddSingleton<IObjectStore>(_objects);
        services.AddSingleton<ISnapshotStore>(_snapshots);
        services.AddSingleton<ISnapshotImporter>(new SnapshotImporter(_snapshots));
        services.AddSingleton<IImportSourceResolver>(new TestImportSourceResolver());
        services.AddVmieEc2(options => options.HeartbeatInterval = TimeSpan.FromMilliseconds(50));
        _provider = services.BuildServiceProvider();
        return _provider.GetRequiredService<ImportTaskRunner>().StartAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _provider.GetRequiredService<ImportTaskRunner>().StopAsync(CancellationToken.None);
        await _provider.DisposeAsync();
        _snapshots.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Left for the temp directory cleanup.
        }
    }

    /// <summary>Random data, with two whole MiB of zeros and an odd-sized tail.</summary>
    private static byte[] DiskWithHoles()
    {
        var bytes = new byte[6 * MiB + 4097];
        new Random(20250715).NextBytes(bytes);
        bytes.AsSpan(1 * MiB, MiB).Clear();
        bytes.AsSpan(4 * MiB, MiB).Clear();
        return bytes;
    }

    private async Task<ImportSnapshotTask> WaitForEndAsync(string taskId)
    {
        var service = _provider.GetRequiredService<ImportSnapshotService>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var task = Assert.Single((await service.DescribeAsync(new DescribeImportSnapshotTasksRequest { ImportTaskIds = [taskId] }, _context)).ImportSnapshotTasks);
            if (task.SnapshotTaskDetail!.Status is ImportTaskStatus.Completed or ImportTaskStatus.Deleted)
            {
                return task;
            }

            Assert.True(DateTime.UtcNow < deadline, $"Task {taskId} is still {task.SnapshotTaskDetail.Status} / {task.SnapshotTaskDetail.StatusMessage}.");
            await Task.Delay(25);
        }
    }

    private void Execute(string sql)
    {
        using var connection = _database.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private long CommittedContents()
    {
        using var connection = _database.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM snapshot_store_contents;";
        return (long)command.ExecuteScalar()!;
    }

    /// <summary>Polls until <paramref name="condition"/> holds, for at most <paramref name="seconds"/>.</summary>
    private static async Task<bool> EventuallyAsync(Func<Task<bool>> condition, double seconds)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(20);
        }

        return true;
    }

    [Fact]
    public async Task A_raw_image_with_holes_is_imported_byte_identical_and_deleted_without_leftovers()
    {
        var image = DiskWithHoles();
        await _objects.CreateBucketAsync("images", Account, Region);
        await using (var body = new MemoryStream(image))
        {
            await _objects.PutObjectAsync("images", "vm/disk.raw", body, ObjectWriteOptions.Default);
        }

        var request = new ImportSnapshotRequest
        {
            Description = "integration",
            DiskContainer = new SnapshotDiskContainer { Format = "RAW", UserBucket = new UserBucket { S3Bucket = "images", S3Key = "vm/disk.raw" } },
        };
        var started = await _provider.GetRequiredService<ImportSnapshotService>().ImportAsync(request, _context);

        var detail = (await WaitForEndAsync(started.ImportTaskId!)).SnapshotTaskDetail!;

        Assert.Equal(("completed", null), (detail.Status, detail.StatusMessage));
        Assert.Equal(image.Length, detail.DiskImageSize);
        await using (var disk = await _snapshots.OpenAsync(detail.SnapshotId!))
        {
            Assert.Equal(image.Length, disk.Capacity);
            var copy = new byte[image.Length];
            Assert.Equal(image.Length, await disk.ReadAsync(0, copy));
            Assert.True(image.AsSpan().SequenceEqual(copy), "the snapshot reads back byte-identical");
        }

        Assert.True(await _snapshots.StoredBytesAsync() <= image.Length - 2 * MiB, "the zero MiB are not stored");
        var snapshots = _provider.GetRequiredService<SnapshotService>();
        var snapshot = Assert.Single((await snapshots.DescribeAsync(new DescribeSnapshotsRequest(), _context)).Snapshots);
        Assert.Equal((detail.SnapshotId, 1, "completed"), (snapshot.SnapshotId, snapshot.VolumeSize, snapshot.State));
        Assert.Equal(image.Length - 2 * MiB, snapshot.FullSnapshotSizeInBytes);

        await snapshots.DeleteAsync(new DeleteSnapshotRequest { SnapshotId = detail.SnapshotId }, _context);

        // The answer does not wait for the blocks; the runner releases them at once, not at its next pass (30 s).
        Assert.Empty((await snapshots.DescribeAsync(new DescribeSnapshotsRequest(), _context)).Snapshots);
        Assert.True(await EventuallyAsync(async () => await _snapshots.StoredBytesAsync() == 0, seconds: 2), "the blocks were not released within 2 s");
        await Assert.ThrowsAsync<KeyNotFoundException>(() => _snapshots.OpenAsync(detail.SnapshotId!));
        Assert.True(await EventuallyAsync(async () => (await _provider.GetRequiredService<SnapshotRepository>().PendingReleasesAsync(10)).Count == 0, seconds: 2));
    }

    [Fact]
    public async Task A_snapshot_whose_completion_cannot_be_recorded_is_released_with_the_failed_task()
    {
        var image = DiskWithHoles();
        await _objects.CreateBucketAsync("images", Account, Region);
        await using (var body = new MemoryStream(image))
        {
            await _objects.PutObjectAsync("images", "vm/disk.raw", body, ObjectWriteOptions.Default);
        }

        // As a full disk or a busy database would fail the completion transaction, after the store committed.
        Execute("CREATE TRIGGER completion_fails BEFORE INSERT ON ec2_snapshots BEGIN SELECT RAISE(ABORT, 'simulated disk full'); END;");
        var request = new ImportSnapshotRequest
        {
            DiskContainer = new SnapshotDiskContainer { Format = "RAW", UserBucket = new UserBucket { S3Bucket = "images", S3Key = "vm/disk.raw" } },
        };
        var started = await _provider.GetRequiredService<ImportSnapshotService>().ImportAsync(request, _context);

        var detail = (await WaitForEndAsync(started.ImportTaskId!)).SnapshotTaskDetail!;
        Execute("DROP TRIGGER completion_fails;");

        Assert.Equal(ImportTaskStatus.Deleted, detail.Status);
        Assert.StartsWith("ServerError: ", detail.StatusMessage, StringComparison.Ordinal);
        Assert.True(await EventuallyAsync(async () => await _snapshots.StoredBytesAsync() == 0 && CommittedContents() == 0, seconds: 5),
            $"the snapshot's blocks are still stored ({await _snapshots.StoredBytesAsync()} bytes)");
        Assert.True(await EventuallyAsync(async () => (await _provider.GetRequiredService<SnapshotRepository>().PendingReleasesAsync(10)).Count == 0, seconds: 5));
        Assert.Empty((await _provider.GetRequiredService<SnapshotService>().DescribeAsync(new DescribeSnapshotsRequest(), _context)).Snapshots);
    }

    [Fact]
    public async Task A_missing_key_in_the_real_store_ends_the_task_with_the_404_client_error()
    {
        await _objects.CreateBucketAsync("images", Account, Region);
        var request = new ImportSnapshotRequest
        {
            DiskContainer = new SnapshotDiskContainer { Format = "raw", Url = "s3://images/not-there.raw" },
        };
        var started = await _provider.GetRequiredService<ImportSnapshotService>().ImportAsync(request, _context);

        var detail = (await WaitForEndAsync(started.ImportTaskId!)).SnapshotTaskDetail!;

        Assert.Equal((ImportTaskStatus.Deleted, ImportTaskMessages.SourceNotFound), (detail.Status, detail.StatusMessage));
    }
}

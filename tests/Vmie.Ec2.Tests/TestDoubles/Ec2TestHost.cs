using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Vmie.Ec2.Composition;
using Vmie.Ec2.Contracts.Common;
using Vmie.Ec2.Contracts.ImportSnapshots;
using Vmie.Ec2.Images;
using Vmie.Ec2.Imports;
using Vmie.Ec2.Persistence;
using Vmie.Ec2.Requests;
using Vmie.Ec2.Snapshots;
using Vmie.Ec2.Tags;
using Vmie.Ec2.Tasks;
using Vmie.Ec2.Volumes;
using Vmie.Storage.Metadata;
using Vmie.Storage.Objects;
using Vmie.Storage.Snapshots;

namespace Vmie.Ec2.Tests.TestDoubles;

/// <summary>
/// The EC2 domain composed as the server composes it (AddVmieEc2), over a real SQLite file in a temporary
/// directory and in-memory object and snapshot stores. A second host can open the same directory and
/// stores to play a restarted server.
/// </summary>
internal sealed class Ec2TestHost : IAsyncDisposable
{
    public const string Account = "111122223333";
    public const string OtherAccount = "444455556666";
    public const string Region = "us-east-1";
    public const string Bucket = "import-bucket";

    private readonly ServiceProvider _provider;
    private readonly bool _ownsDirectory;
    private bool _runnerStarted;

    private Ec2TestHost(string directory, bool ownsDirectory, InMemoryObjectStore objects, InMemorySnapshotStore snapshots, Action<Ec2Options>? configure)
    {
        Directory = directory;
        _ownsDirectory = ownsDirectory;
        Objects = objects;
        Snapshots = snapshots;
        Importer = new TestSnapshotImporter(snapshots);
        Database = new MetadataDatabase(Path.Combine(directory, "metadata.db"));
        Database.Migrate(Ec2Schema.Migrations);

        var services = new ServiceCollection();
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Debug).AddProvider(Log));
        services.AddSingleton(Database);
        services.AddSingleton<IObjectStore>(objects);
        services.AddSingleton<ISnapshotStore>(snapshots);
        services.AddSingleton<ISnapshotImporter>(Importer);
        services.AddSingleton<IImportSourceResolver>(Resolver);
        services.AddVmieEc2(options =>
        {
            options.HeartbeatInterval = TimeSpan.FromMilliseconds(50);
            options.IdlePollInterval = TimeSpan.FromMilliseconds(100);
            options.MaintenanceInterval = TimeSpan.FromMilliseconds(200);
            options.StaleClaimTimeout = TimeSpan.FromMinutes(10);
            configure?.Invoke(options);
        });
        _provider = services.BuildServiceProvider();
    }

    public string Directory { get; }

    public MetadataDatabase Database { get; }

    public InMemoryObjectStore Objects { get; }

    public InMemorySnapshotStore Snapshots { get; }

    public TestSnapshotImporter Importer { get; }

    public TestImportSourceResolver Resolver { get; } = new();

    /// <summary>Everything this host's services log.</summary>
    public CapturedLog Log { get; } = new();

    public Ec2RequestContext Context { get; } = new(Account, Region, "AKIDEXAMPLE", "request-1");

    public Ec2RequestContext OtherContext { get; } = new(OtherAccount, Region, "AKIDOTHER", "request-2");

    public IServiceProvider Services => _provider;

    public ImportSnapshotService ImportSnapshot => _provider.GetRequiredService<ImportSnapshotService>();

    public ImportImageService ImportImage => _provider.GetRequiredService<ImportImageService>();

    public TaskDiskRepository TaskDisks => _provider.GetRequiredService<TaskDiskRepository>();

    public CancelImportTaskService CancelImportTask => _provider.GetRequiredService<CancelImportTaskService>();

    public SnapshotService SnapshotService => _provider.GetRequiredService<SnapshotService>();

    public TagService TagService => _provider.GetRequiredService<TagService>();

    public ImageService ImageService => _provider.GetRequiredService<ImageService>();

    public RegisterImageService RegisterImageService => _provider.GetRequiredService<RegisterImageService>();

    public VolumeService VolumeService => _provider.GetRequiredService<VolumeService>();

    public ImageRepository ImageRows => _provider.GetRequiredService<ImageRepository>();

    public VolumeRepository VolumeRows => _provider.GetRequiredService<VolumeRepository>();

    public ImportTaskRepository Tasks => _provider.GetRequiredService<ImportTaskRepository>();

    public SnapshotRepository SnapshotRows => _provider.GetRequiredService<SnapshotRepository>();

    public ImportTaskRunner Runner => _provider.GetRequiredService<ImportTaskRunner>();

    public static Ec2TestHost Create(Action<Ec2Options>? configure = null)
    {
        var directory = Path.Combine(Path.GetTempPath(), "vmie-ec2-tests", Guid.NewGuid().ToString("N"));
        var host = new Ec2TestHost(directory, ownsDirectory: true, new InMemoryObjectStore(), new InMemorySnapshotStore(), configure);
        host.Objects.AddBucket(Bucket, Account, Region);
        return host;
    }

    /// <summary>A new server process on the same database and stores (the caller disposes both hosts).</summary>
    public Ec2TestHost Restart(Action<Ec2Options>? configure = null) => new(Directory, ownsDirectory: false, Objects, Snapshots, configure);

    public async Task StartRunnerAsync()
    {
        _runnerStarted = true;
        await Runner.StartAsync(CancellationToken.None);
    }

    public async Task StopRunnerAsync()
    {
        if (_runnerStarted)
        {
            _runnerStarted = false;
            await Runner.StopAsync(CancellationToken.None);
        }
    }

    public static ImportSnapshotRequest RawRequest(string key = "disk.raw", string? description = null) => new()
    {
        Description = description,
        DiskContainer = new SnapshotDiskContainer
        {
            Format = "raw",
            UserBucket = new UserBucket { S3Bucket = Bucket, S3Key = key },
        },
    };

    public async Task<string> ImportAsync(ImportSnapshotRequest request) => (await ImportSnapshot.ImportAsync(request, Context)).ImportTaskId!;

    public async Task<ImportSnapshotTask> DescribeTaskAsync(string taskId, Ec2RequestContext? context = null)
    {
        var result = await ImportSnapshot.DescribeAsync(new DescribeImportSnapshotTasksRequest { ImportTaskIds = [taskId] }, context ?? Context);
        return Assert.Single(result.ImportSnapshotTasks);
    }

    /// <summary>Polls the task until <paramref name="until"/> holds, failing after <paramref name="timeout"/> (default 15 s).</summary>
    public async Task<ImportSnapshotTask> WaitForTaskAsync(string taskId, Func<ImportSnapshotTask, bool> until, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (true)
        {
            var task = await DescribeTaskAsync(taskId);
            if (until(task))
            {
                return task;
            }

            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Task {taskId} did not reach the expected state; last: {task.SnapshotTaskDetail?.Status} / {task.SnapshotTaskDetail?.StatusMessage} / {task.SnapshotTaskDetail?.Progress}");
            }

            await Task.Delay(20);
        }
    }

    public Task<ImportSnapshotTask> WaitForEndAsync(string taskId, TimeSpan? timeout = null) =>
        WaitForTaskAsync(taskId, t => t.SnapshotTaskDetail!.Status is ImportTaskStatus.Completed or ImportTaskStatus.Deleted, timeout);

    public async ValueTask DisposeAsync()
    {
        await StopRunnerAsync();
        await _provider.DisposeAsync();
        if (_ownsDirectory)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                System.IO.Directory.Delete(Directory, recursive: true);
            }
            catch (IOException)
            {
                // Another host may still hold the file; the temp directory is cleaned up eventually.
            }
        }
    }
}

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Vmie.Api.Auth.Credentials;
using Vmie.Api.Auth.SigV4;
using Vmie.Api.Protocols.Ec2Query.Dispatch;
using Vmie.Api.Protocols.S3Rest;
using Vmie.Ec2.Composition;
using Vmie.Ec2.Imports;
using Vmie.Ec2.Persistence;
using Vmie.Storage.Metadata;
using Vmie.Storage.Objects;
using Vmie.Storage.Snapshots;

namespace Vmie.Api.Hosting;

/// <summary>
/// The composition of an embedded vmie: the SQLite metadata file, the object store and the snapshot
/// store under the data directory, the EC2 domain with its task runner, and the two protocols.
/// </summary>
internal static class VmieServices
{
    public const string MetadataFileName = "vmie.db";
    public const string ObjectsDirectoryName = "objects";
    public const string SnapshotsDirectoryName = "snapshots";

    public static void Add(IServiceCollection services, VmieServerOptions options, LocalAccount account)
    {
        services.AddSingleton(options);
        services.AddSingleton(account);
        services.AddSingleton<ICredentialStore>(account);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(provider => new SigV4Verifier(provider.GetRequiredService<ICredentialStore>(), provider.GetRequiredService<TimeProvider>()));

        services.AddSingleton(_ => new MetadataDatabase(Path.Combine(options.DataDirectory, MetadataFileName)));
        services.AddSingleton<IObjectStore>(provider => new FileSystemObjectStore(
            provider.GetRequiredService<MetadataDatabase>(),
            Path.Combine(options.DataDirectory, ObjectsDirectoryName),
            provider.GetRequiredService<TimeProvider>()));
        services.AddSingleton(provider => new FileSnapshotStore(
            provider.GetRequiredService<MetadataDatabase>(),
            Path.Combine(options.DataDirectory, SnapshotsDirectoryName)));
        services.AddSingleton<ISnapshotStore>(provider => provider.GetRequiredService<FileSnapshotStore>());
        services.AddSingleton<ISnapshotImporter>(provider => new SnapshotImporter(provider.GetRequiredService<ISnapshotStore>()));

        var s3Options = new S3RestOptions { BaseHostNames = options.VirtualHostSuffixes };
        services.AddSingleton(s3Options);
        services.AddSingleton(provider => new S3RestEndpoint(
            provider.GetRequiredService<IObjectStore>(),
            s3Options,
            provider.GetRequiredService<ILogger<S3RestEndpoint>>()));
        services.AddSingleton<IImportSourceResolver, PresignedUrlSourceResolver>();

        services.AddVmieEc2(ec2 =>
        {
            ec2.ImportWorkerCount = options.ConversionConcurrency;
            ec2.ConversionConcurrency = options.ConversionConcurrency;
            ec2.MaxActiveImportTasksPerRegion = options.MaxActiveImportTasks;
        });
        services.AddSingleton(provider =>
        {
            var registry = new Ec2OperationRegistry();
            foreach (var action in Ec2ActionCatalog.Actions)
            {
                registry.Register(action.Name, action.RequestType, action.ResultType, (request, context, cancellationToken) =>
                    action.InvokeAsync(provider, request, context, cancellationToken));
            }

            return registry;
        });
        services.AddSingleton(provider => new Ec2QueryEndpoint(
            provider.GetRequiredService<Ec2OperationRegistry>(),
            provider.GetRequiredService<ILogger<Ec2QueryEndpoint>>()));
        services.AddSingleton<RequestGateway>();
    }

    /// <summary>
    /// Brings the data directory up to date before the first request: schema migrations and the clean-up of
    /// the object store's leftovers. The snapshot store's clean-up is set to run in the background once the
    /// server listens (see the comment below).
    /// </summary>
    public static void Initialize(IServiceProvider services)
    {
        var database = services.GetRequiredService<MetadataDatabase>();
        database.Migrate([.. FileSystemObjectStore.SchemaMigrations, .. SnapshotStoreSchema.Migrations, .. Ec2Schema.Migrations]);
        var objects = (FileSystemObjectStore)services.GetRequiredService<IObjectStore>();
        objects.RemoveOrphanedBodyFiles(TimeSpan.Zero);

        // The snapshot store's clean-up looks at every block file, one query each (about 1.6 s per 100,000
        // blocks), so it runs in the background after start rather than delaying every start. Nothing in it
        // must precede serving: the store tells its own live writers from dead ones, and its block pins keep
        // the blocks of snapshots being written out of reach (FileSnapshotStore.RemoveOrphansAsync says how),
        // so the scan is safe beside imports, deletes and reads; abandoned snapshots are under IDs no new run
        // uses (each run writes a fresh one); and what it removes is harmless until then, only disk space.
        // Skipping the scan after a clean shutdown (a marker file) was the alternative, but it would still
        // hold up the start after a crash, when there is most to clean, and it needs a marker kept exact.
        var snapshots = services.GetRequiredService<FileSnapshotStore>();
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger<FileSnapshotStore>();
        services.GetRequiredService<IHostApplicationLifetime>().ApplicationStarted.Register(() => _ = RemoveSnapshotOrphansAsync(snapshots, logger));
        services.GetRequiredService<Ec2OperationRegistry>();
    }

    private static async Task RemoveSnapshotOrphansAsync(FileSnapshotStore snapshots, ILogger logger)
    {
        try
        {
            var cleanup = await snapshots.StartRemovingOrphans().ConfigureAwait(false);
            if (cleanup != new SnapshotStoreCleanup(0, 0, 0))
            {
                logger.LogInformation(
                    "Snapshot store clean-up: released {AbandonedSnapshots} unfinished snapshots, removed {TempFiles} temporary files and {Blocks} unreferenced block files.",
                    cleanup.AbandonedSnapshots, cleanup.TempFilesRemoved, cleanup.BlocksRemoved);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
        {
            // The server stopped first; the next start scans again.
        }
        catch (Exception e)
        {
            logger.LogError(e, "The snapshot store clean-up failed; it runs again at the next start.");
        }
    }
}

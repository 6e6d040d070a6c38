using Microsoft.Extensions.DependencyInjection;
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

        services.AddVmieEc2(ec2 => ec2.ImportWorkerCount = options.ConversionConcurrency);
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
    /// Brings the data directory up to date before the first request: schema migrations, then the
    /// clean-up of what a crash may have left behind (temporary files, unreferenced blocks and bodies).
    /// </summary>
    public static void Initialize(IServiceProvider services)
    {
        var database = services.GetRequiredService<MetadataDatabase>();
        database.Migrate([.. FileSystemObjectStore.SchemaMigrations, .. SnapshotStoreSchema.Migrations, .. Ec2Schema.Migrations]);
        var objects = (FileSystemObjectStore)services.GetRequiredService<IObjectStore>();
        objects.RemoveOrphanedBodyFiles(TimeSpan.Zero);
        var snapshots = services.GetRequiredService<FileSnapshotStore>();
        snapshots.RemoveOrphansAsync(CancellationToken.None).GetAwaiter().GetResult();
        services.GetRequiredService<Ec2OperationRegistry>();
    }
}

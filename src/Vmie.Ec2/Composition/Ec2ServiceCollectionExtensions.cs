using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Vmie.Ec2.ImageImports;
using Vmie.Ec2.Images;
using Vmie.Ec2.Imports;
using Vmie.Ec2.Persistence;
using Vmie.Ec2.Snapshots;
using Vmie.Ec2.Tags;
using Vmie.Ec2.Tasks;
using Vmie.Ec2.Volumes;

namespace Vmie.Ec2.Composition;

public static class Ec2ServiceCollectionExtensions
{
    /// <summary>
    /// Registers the EC2 domain: its repositories, the services behind <see cref="Ec2ActionCatalog.Actions"/>
    /// and the <see cref="ImportTaskRunner"/> as a hosted service. The host must also register
    /// <see cref="Storage.Metadata.MetadataDatabase"/> (migrated with <see cref="Ec2Schema.Migrations"/> before the
    /// host starts), <see cref="Storage.Objects.IObjectStore"/>, <see cref="Storage.Snapshots.ISnapshotStore"/>,
    /// <see cref="Storage.Snapshots.ISnapshotImporter"/>, <see cref="IImportSourceResolver"/> and logging.
    /// </summary>
    public static IServiceCollection AddVmieEc2(this IServiceCollection services, Action<Ec2Options>? configure = null)
    {
        var options = new Ec2Options();
        configure?.Invoke(options);
        options.Validate();

        services.AddSingleton(options);
        services.TryAddSingleton(TimeProvider.System);

        services.AddSingleton<ImportTaskRepository>();
        services.AddSingleton<SnapshotRepository>();
        services.AddSingleton<TagRepository>();
        services.AddSingleton<TaskDiskRepository>();
        services.AddSingleton<ImageRepository>();
        services.AddSingleton<VolumeRepository>();

        services.AddSingleton<ImportTaskSignal>();
        services.AddSingleton<ImportTaskCancellation>();
        services.AddSingleton<SnapshotContentReleaser>();
        services.AddSingleton<SnapshotReleaseSignal>();
        services.AddSingleton<ImportSnapshotJob>();
        services.AddSingleton<ImportImageJob>();
        services.AddSingleton<ConversionBudget>();
        services.AddSingleton<ImageImportPipeline>();

        services.AddSingleton<ImportSnapshotService>();
        services.AddSingleton<ImportImageService>();
        services.AddSingleton<CancelImportTaskService>();
        services.AddSingleton<SnapshotService>();
        services.AddSingleton<TagService>();
        services.AddSingleton<ImageService>();
        services.AddSingleton<RegisterImageService>();
        services.AddSingleton<VolumeService>();

        services.AddSingleton<ImportTaskRunner>();
        services.AddHostedService(provider => provider.GetRequiredService<ImportTaskRunner>());
        return services;
    }
}

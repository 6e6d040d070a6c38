using Vmie.Ec2.Contracts.Images;
using Vmie.Ec2.Contracts.ImportImages;
using Vmie.Ec2.Contracts.ImportSnapshots;
using Vmie.Ec2.Contracts.Snapshots;
using Vmie.Ec2.Contracts.Tags;
using Vmie.Ec2.Contracts.Volumes;
using Vmie.Ec2.Images;
using Vmie.Ec2.Imports;
using Vmie.Ec2.Snapshots;
using Vmie.Ec2.Tags;
using Vmie.Ec2.Volumes;

namespace Vmie.Ec2.Composition;

/// <summary>The EC2 actions of this domain, for the protocol layer to register.</summary>
public static class Ec2ActionCatalog
{
    public static IReadOnlyList<Ec2Action> Actions { get; } =
    [
        Ec2Action.Create<ImportSnapshotService, ImportSnapshotRequest, ImportSnapshotResult>(
            "ImportSnapshot", (service, request, context, ct) => service.ImportAsync(request, context, ct)),
        Ec2Action.Create<ImportSnapshotService, DescribeImportSnapshotTasksRequest, DescribeImportSnapshotTasksResult>(
            "DescribeImportSnapshotTasks", (service, request, context, ct) => service.DescribeAsync(request, context, ct)),
        Ec2Action.Create<ImportImageService, ImportImageRequest, ImportImageResult>(
            "ImportImage", (service, request, context, ct) => service.ImportAsync(request, context, ct)),
        Ec2Action.Create<ImportImageService, DescribeImportImageTasksRequest, DescribeImportImageTasksResult>(
            "DescribeImportImageTasks", (service, request, context, ct) => service.DescribeAsync(request, context, ct)),
        Ec2Action.Create<CancelImportTaskService, CancelImportTaskRequest, CancelImportTaskResult>(
            "CancelImportTask", (service, request, context, ct) => service.CancelAsync(request, context, ct)),
        Ec2Action.Create<SnapshotService, DescribeSnapshotsRequest, DescribeSnapshotsResult>(
            "DescribeSnapshots", (service, request, context, ct) => service.DescribeAsync(request, context, ct)),
        Ec2Action.CreateWithoutResult<SnapshotService, DeleteSnapshotRequest>(
            "DeleteSnapshot", (service, request, context, ct) => service.DeleteAsync(request, context, ct)),
        Ec2Action.Create<ImageService, DescribeImagesRequest, DescribeImagesResult>(
            "DescribeImages", (service, request, context, ct) => service.DescribeAsync(request, context, ct)),
        Ec2Action.Create<ImageService, DeregisterImageRequest, DeregisterImageResult>(
            "DeregisterImage", (service, request, context, ct) => service.DeregisterAsync(request, context, ct)),
        Ec2Action.Create<RegisterImageService, RegisterImageRequest, RegisterImageResult>(
            "RegisterImage", (service, request, context, ct) => service.RegisterAsync(request, context, ct)),
        Ec2Action.Create<VolumeService, CreateVolumeRequest, Volume>(
            "CreateVolume", (service, request, context, ct) => service.CreateAsync(request, context, ct)),
        Ec2Action.Create<VolumeService, DescribeVolumesRequest, DescribeVolumesResult>(
            "DescribeVolumes", (service, request, context, ct) => service.DescribeAsync(request, context, ct)),
        Ec2Action.CreateWithoutResult<VolumeService, DeleteVolumeRequest>(
            "DeleteVolume", (service, request, context, ct) => service.DeleteAsync(request, context, ct)),
        Ec2Action.CreateWithoutResult<TagService, CreateTagsRequest>(
            "CreateTags", (service, request, context, ct) => service.CreateAsync(request, context, ct)),
        Ec2Action.CreateWithoutResult<TagService, DeleteTagsRequest>(
            "DeleteTags", (service, request, context, ct) => service.DeleteAsync(request, context, ct)),
        Ec2Action.Create<TagService, DescribeTagsRequest, DescribeTagsResult>(
            "DescribeTags", (service, request, context, ct) => service.DescribeAsync(request, context, ct)),
    ];
}

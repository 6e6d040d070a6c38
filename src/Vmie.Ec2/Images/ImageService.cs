using System.Globalization;
using Vmie.Ec2.Contracts.Common;
using Vmie.Ec2.Contracts.Images;
using Vmie.Ec2.Errors;
using Vmie.Ec2.Filtering;
using Vmie.Ec2.Paging;
using Vmie.Ec2.Persistence;
using Vmie.Ec2.Requests;
using Vmie.Ec2.Resources;
using Vmie.Ec2.Snapshots;

namespace Vmie.Ec2.Images;

/// <summary>DescribeImages and DeregisterImage. AMIs are private to their account and region: none is public or shared.</summary>
public sealed class ImageService
{
    private const string Listing = "images";

    private static readonly FilterSchema<(ImageRecord Image, IReadOnlyList<ResourceTag> Tags)> Filters =
        new FilterSchema<(ImageRecord Image, IReadOnlyList<ResourceTag> Tags)>()
            .Field("architecture", item => item.Image.Architecture)
            .Fields("block-device-mapping.delete-on-termination", item => item.Image.BlockDevices.Select(d => d.DeleteOnTermination ? "true" : "false"))
            .Fields("block-device-mapping.device-name", item => item.Image.BlockDevices.Select(d => d.DeviceName))
            .Fields("block-device-mapping.encrypted", item => item.Image.BlockDevices.Select(d => d.Encrypted ? "true" : "false"))
            .Fields("block-device-mapping.snapshot-id", item => item.Image.BlockDevices.Select(d => d.SnapshotId))
            .Fields("block-device-mapping.volume-size", item => item.Image.BlockDevices.Select(d => d.VolumeSize.ToString(CultureInfo.InvariantCulture)))
            .Fields("block-device-mapping.volume-type", item => item.Image.BlockDevices.Select(d => d.VolumeType))
            .Field("boot-mode", item => item.Image.BootMode)
            .Field("creation-date", item => FormatTime(item.Image.CreationDate))
            .Field("description", item => item.Image.Description)
            .Field("ena-support", item => item.Image.EnaSupport ? "true" : "false")
            .Field("hypervisor", item => item.Image.Hypervisor)
            .Field("image-id", item => item.Image.Id)
            .Field("image-type", item => item.Image.ImageType)
            .Field("is-public", _ => "false")
            .Field("name", item => item.Image.Name)
            .Field("owner-alias", _ => null)
            .Field("owner-id", item => item.Image.AccountId)
            .Field("platform", item => item.Image.Platform)
            .Field("platform-details", item => item.Image.PlatformDetails)
            .Field("root-device-name", item => item.Image.RootDeviceName)
            .Field("root-device-type", item => item.Image.RootDeviceType)
            .Field("state", item => item.Image.State)
            .Field("usage-operation", item => item.Image.UsageOperation)
            .Field("virtualization-type", item => item.Image.VirtualizationType)
            .Fields("tag-value", item => item.Tags.Select(t => t.Value))
            .WithTags(item => item.Tags.Select(t => KeyValuePair.Create(t.Key, t.Value)));

    private readonly ImageRepository _images;
    private readonly SnapshotRepository _snapshots;
    private readonly TagRepository _tags;
    private readonly SnapshotReleaseSignal _releases;
    private readonly TimeProvider _time;

    public ImageService(ImageRepository images, SnapshotRepository snapshots, TagRepository tags, SnapshotReleaseSignal releases, TimeProvider time)
    {
        _images = images;
        _snapshots = snapshots;
        _tags = tags;
        _releases = releases;
        _time = time;
    }

    /// <summary>
    /// The caller's AMIs, filtered, in creation order. Owners and ExecutableUsers that leave the caller out
    /// select nothing: other accounts' AMIs, public AMIs and shared AMIs do not exist here.
    /// </summary>
    public async Task<DescribeImagesResult> DescribeAsync(DescribeImagesRequest request, Ec2RequestContext context, CancellationToken cancellationToken = default)
    {
        var filters = Filters.Parse(request.Filters);
        var ids = (request.ImageIds ?? []).Select(ResourceKind.Image.RequireWellFormed).Distinct(StringComparer.Ordinal).ToList();
        if (ids.Count > 0 && request.MaxResults is not null)
        {
            throw Ec2Errors.InvalidParameterCombination("The parameter ImageIds cannot be used with the parameter MaxResults.");
        }

        var pageSize = PageSize.Resolve(request.MaxResults, 5, 1000);
        var after = PageToken.DecodeSequence(Listing, request.NextToken);
        var ownersIncludeCaller = OwnerSelection.IncludesCaller(request.Owners, context);
        var ownImagesVisible = OwnerSelection.ExecutableByCaller(request.ExecutableUsers, context) && ownersIncludeCaller;

        var source = new OwnedResourceSource<ImageRecord>(
            ResourceKind.Image,
            record => record.Id,
            record => record.Sequence,
            (named, token) => _images.FindManyAsync(context.AccountId, context.Region, named, token),
            (cursor, count, token) => _images.ListAsync(context.AccountId, context.Region, cursor, count, token));
        var (items, continueAfter) = await OwnedResourceListing.PageAsync(source, ids, ownImagesVisible, request.DryRun == true, after, pageSize, filters.Matches, _tags, cancellationToken);
        return new DescribeImagesResult
        {
            Images = items.Select(item => ToContract(item.Record, item.Tags)).ToList(),
            NextToken = continueAfter is { } next ? PageToken.EncodeSequence(Listing, next) : null,
        };
    }

    /// <summary>
    /// Deregisters an AMI of the caller: it disappears at once (with its tags); its snapshots stay, unless
    /// DeleteAssociatedSnapshots asks to delete them too, each one only if no other AMI or task uses it.
    /// </summary>
    public async Task<DeregisterImageResult> DeregisterAsync(DeregisterImageRequest request, Ec2RequestContext context, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrEmpty(request.ImageId))
        {
            throw Ec2Errors.MissingParameter("ImageId");
        }

        var id = ResourceKind.Image.RequireWellFormed(request.ImageId);
        var image = (await _images.FindManyAsync(context.AccountId, context.Region, [id], cancellationToken)).SingleOrDefault()
            ?? throw ResourceKind.Image.NotFound(id);
        if (request.DryRun == true)
        {
            throw Ec2Errors.DryRunOperation();
        }

        if (!await _images.DeleteAsync(id, context.AccountId, context.Region, cancellationToken))
        {
            throw ResourceKind.Image.NotFound(id);
        }

        var result = new DeregisterImageResult { Return = true };
        if (request.DeleteAssociatedSnapshots != true)
        {
            return result;
        }

        result.DeleteSnapshotResults = [];
        foreach (var snapshotId in image.BlockDevices.Select(d => d.SnapshotId).Distinct(StringComparer.Ordinal))
        {
            var outcome = await _snapshots.DeleteAsync(snapshotId, context.AccountId, context.Region, _time.GetUtcNow(), cancellationToken);
            var code = outcome.Result switch
            {
                SnapshotDeleteResult.Deleted => "success",
                SnapshotDeleteResult.InUse => "client-error",
                _ => "skipped",
            };
            result.DeleteSnapshotResults.Add(new DeleteSnapshotReturnCode { SnapshotId = snapshotId, ReturnCode = code });
        }

        _releases.NotifyReleaseQueued();
        return result;
    }

    public static Image ToContract(ImageRecord image, IReadOnlyList<ResourceTag> tags) => new()
    {
        ImageId = image.Id,
        ImageLocation = $"{image.AccountId}/{image.Name}",
        State = image.State,
        OwnerId = image.AccountId,
        CreationDate = FormatTime(image.CreationDate),
        Public = false,
        Architecture = image.Architecture,
        ImageType = image.ImageType,
        Platform = image.Platform,
        PlatformDetails = image.PlatformDetails,
        UsageOperation = image.UsageOperation,
        BlockDeviceMappings = image.BlockDevices.Select(d => new BlockDeviceMapping
        {
            DeviceName = d.DeviceName,
            Ebs = new EbsBlockDevice
            {
                DeleteOnTermination = d.DeleteOnTermination,
                Iops = d.Iops,
                SnapshotId = d.SnapshotId,
                VolumeSize = d.VolumeSize,
                VolumeType = d.VolumeType,
                KmsKeyId = d.KmsKeyId,
                Throughput = d.Throughput,
                Encrypted = d.Encrypted,
            },
        }).ToList(),
        Description = image.Description,
        EnaSupport = image.EnaSupport,
        Hypervisor = image.Hypervisor,
        Name = image.Name,
        RootDeviceName = image.RootDeviceName,
        RootDeviceType = image.RootDeviceType,
        Tags = tags.Select(t => new Tag { Key = t.Key, Value = t.Value }).ToList(),
        VirtualizationType = image.VirtualizationType,
        BootMode = image.BootMode,
        TpmSupport = image.TpmSupport,
        ImdsSupport = image.ImdsSupport,
    };

    private static string FormatTime(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}

using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Vmie.Ec2.Contracts.Common;
using Vmie.Ec2.Contracts.Volumes;
using Vmie.Ec2.Errors;
using Vmie.Ec2.Filtering;
using Vmie.Ec2.Paging;
using Vmie.Ec2.Persistence;
using Vmie.Ec2.Requests;
using Vmie.Ec2.Resources;
using Vmie.Ec2.Tags;

namespace Vmie.Ec2.Volumes;

/// <summary>
/// CreateVolume, DescribeVolumes and DeleteVolume. A volume is metadata only: no data path exists for volumes
/// yet (nothing attaches or reads them), so a volume made from a snapshot records the snapshot's ID without
/// referencing its blocks, and the snapshot may be deleted afterwards, as EC2 allows.
/// </summary>
public sealed class VolumeService
{
    /// <summary>The type of a volume created without VolumeType (the spec's CreateVolume example answers gp3).</summary>
    public const string DefaultVolumeType = VolumeTypeRules.Gp3;

    public const int MaxClientTokenLength = 64;

    public const int MaxVolumesPerPage = 500;

    private const string Listing = "volumes";
    private const string CreatingState = "creating";
    private const string AvailableState = "available";

    private static readonly FilterSchema<(VolumeRecord Volume, IReadOnlyList<ResourceTag> Tags)> Filters =
        new FilterSchema<(VolumeRecord Volume, IReadOnlyList<ResourceTag> Tags)>()
            .Field("availability-zone", item => item.Volume.AvailabilityZone)
            .Field("create-time", item => FormatTime(item.Volume.CreateTime))
            .Field("encrypted", item => item.Volume.Encrypted ? "true" : "false")
            .Field("multi-attach-enabled", item => item.Volume.MultiAttachEnabled ? "true" : "false")
            .Field("fast-restored", _ => "false")
            .Field("size", item => item.Volume.Size.ToString(CultureInfo.InvariantCulture))
            .Field("snapshot-id", item => item.Volume.SnapshotId ?? string.Empty)
            .Field("status", item => item.Volume.State)
            .Field("volume-id", item => item.Volume.Id)
            .Field("volume-type", item => item.Volume.VolumeType)
            .Fields("tag-value", item => item.Tags.Select(t => t.Value))
            .WithTags(item => item.Tags.Select(t => KeyValuePair.Create(t.Key, t.Value)));

    private readonly VolumeRepository _volumes;
    private readonly SnapshotRepository _snapshots;
    private readonly TagRepository _tags;
    private readonly TimeProvider _time;

    public VolumeService(VolumeRepository volumes, SnapshotRepository snapshots, TagRepository tags, TimeProvider time)
    {
        _volumes = volumes;
        _snapshots = snapshots;
        _tags = tags;
        _time = time;
    }

    /// <summary>
    /// Creates a volume, empty or from a completed snapshot of the caller. The answer says "creating", as EC2's
    /// does; the stored volume is available at once, since there is nothing to copy.
    /// </summary>
    public async Task<Volume> CreateAsync(CreateVolumeRequest request, Ec2RequestContext context, CancellationToken cancellationToken = default)
    {
        var zone = AvailabilityZones.Require(request.AvailabilityZone, context.Region);
        if (string.IsNullOrEmpty(request.SnapshotId) && request.Size is null)
        {
            throw Ec2Errors.MissingParameter("Size or SnapshotId");
        }

        if (!string.IsNullOrEmpty(request.KmsKeyId) && request.Encrypted != true)
        {
            throw new Ec2Exception("InvalidParameterDependency", "The parameter KmsKeyId requires the parameter Encrypted to be set.");
        }

        var clientToken = string.IsNullOrEmpty(request.ClientToken) ? null : request.ClientToken;
        if (clientToken is not null && (clientToken.Length > MaxClientTokenLength || !clientToken.All(c => c is >= ' ' and <= '~')))
        {
            throw Ec2Errors.InvalidValue("ClientToken", clientToken, $"A client token has at most {MaxClientTokenLength} printable ASCII characters.");
        }

        var tags = CreationTags.Validate(request.TagSpecifications, ResourceKind.Volume, "CreateVolume");
        var fingerprint = clientToken is null ? null : Fingerprint(request, zone, tags);

        // A retry with the same token returns the volume it made, even if its snapshot was deleted since.
        if (clientToken is not null && request.DryRun != true
            && await _volumes.FindByClientTokenAsync(context.AccountId, context.Region, clientToken, cancellationToken) is { } made)
        {
            return await RepeatAsync(made, fingerprint, clientToken, cancellationToken);
        }

        SnapshotRecord? snapshot = null;
        if (!string.IsNullOrEmpty(request.SnapshotId))
        {
            var snapshotId = ResourceKind.Snapshot.RequireWellFormed(request.SnapshotId);
            snapshot = (await _snapshots.FindManyAsync(context.AccountId, context.Region, [snapshotId], cancellationToken)).SingleOrDefault();
            if (snapshot is null || snapshot.State != "completed")
            {
                throw ResourceKind.Snapshot.NotFound(snapshotId);
            }
        }

        var size = request.Size ?? snapshot!.VolumeSize;
        if (snapshot is not null && size < snapshot.VolumeSize)
        {
            throw Ec2Errors.InvalidParameterValue($"Volume of size {size}GiB is smaller than snapshot '{snapshot.Id}', expect size >= {snapshot.VolumeSize}GiB.");
        }

        var configuration = VolumeTypeRules.Resolve(request.VolumeType, size, request.Iops, request.Throughput, DefaultVolumeType);
        var multiAttach = request.MultiAttachEnabled == true;
        if (multiAttach && !VolumeTypeRules.SupportsMultiAttach(configuration.VolumeType))
        {
            throw Ec2Errors.InvalidParameterCombination($"Multi-Attach is supported only for io1 and io2 volumes, not {configuration.VolumeType}.");
        }

        // A volume of an encrypted snapshot is encrypted whatever is asked; encryption is only recorded, since
        // volumes hold no data here.
        var encrypted = request.Encrypted == true || snapshot?.Encrypted == true;
        var kmsKeyId = string.IsNullOrEmpty(request.KmsKeyId) ? (encrypted ? snapshot?.KmsKeyId : null) : request.KmsKeyId;

        if (request.DryRun == true)
        {
            throw Ec2Errors.DryRunOperation();
        }

        var volume = new VolumeRecord
        {
            Id = ResourceKind.Volume.NewId(),
            AccountId = context.AccountId,
            Region = context.Region,
            AvailabilityZone = zone,
            Size = configuration.Size,
            SnapshotId = snapshot?.Id,
            State = AvailableState,
            VolumeType = configuration.VolumeType,
            Iops = configuration.Iops,
            Throughput = configuration.Throughput,
            Encrypted = encrypted,
            KmsKeyId = kmsKeyId,
            MultiAttachEnabled = multiAttach,
            ClientToken = clientToken,
            RequestFingerprint = fingerprint,
            // Whole milliseconds, as EC2 reports and the database keeps them: the answer matches later descriptions.
            CreateTime = DateTimeOffset.FromUnixTimeMilliseconds(_time.GetUtcNow().ToUnixTimeMilliseconds()),
        };

        var outcome = await _volumes.InsertAsync(volume, tags, cancellationToken);
        if (outcome.Result == VolumeInsertResult.ClientTokenTaken)
        {
            return await RepeatAsync(outcome.Existing!, fingerprint, clientToken!, cancellationToken);
        }

        var created = ToContract(volume, tags);
        created.State = CreatingState;
        return created;
    }

    /// <summary>The caller's volumes, filtered, in creation order.</summary>
    public async Task<DescribeVolumesResult> DescribeAsync(DescribeVolumesRequest request, Ec2RequestContext context, CancellationToken cancellationToken = default)
    {
        var filters = Filters.Parse(request.Filters);
        var ids = (request.VolumeIds ?? []).Select(ResourceKind.Volume.RequireWellFormed).Distinct(StringComparer.Ordinal).ToList();
        if (ids.Count > 0 && request.MaxResults is not null)
        {
            throw Ec2Errors.InvalidParameterCombination("The parameter volumeIdSet cannot be used with the parameter maxResults.");
        }

        // EC2 answers at most 500 volumes a page and takes a larger MaxResults as 500 (the AWS CLI's paginator asks for 1000).
        var pageSize = PageSize.Resolve(request.MaxResults, 5, int.MaxValue) is { } asked ? Math.Min(asked, MaxVolumesPerPage) : (int?)null;
        var after = PageToken.DecodeSequence(Listing, request.NextToken);

        var source = new OwnedResourceSource<VolumeRecord>(
            ResourceKind.Volume,
            record => record.Id,
            record => record.Sequence,
            (named, token) => _volumes.FindManyAsync(context.AccountId, context.Region, named, token),
            (cursor, count, token) => _volumes.ListAsync(context.AccountId, context.Region, cursor, count, token));
        var (items, continueAfter) = await OwnedResourceListing.PageAsync(source, ids, visible: true, request.DryRun == true, after, pageSize, filters.Matches, _tags, cancellationToken);
        return new DescribeVolumesResult
        {
            Volumes = items.Select(item => ToContract(item.Record, item.Tags)).ToList(),
            NextToken = continueAfter is { } next ? PageToken.EncodeSequence(Listing, next) : null,
        };
    }

    /// <summary>Deletes a volume of the caller with its tags. Volumes are never attached here, so any volume can go.</summary>
    public async Task DeleteAsync(DeleteVolumeRequest request, Ec2RequestContext context, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrEmpty(request.VolumeId))
        {
            throw Ec2Errors.MissingParameter("VolumeId");
        }

        var id = ResourceKind.Volume.RequireWellFormed(request.VolumeId);
        if (request.DryRun == true)
        {
            var found = await _volumes.FindManyAsync(context.AccountId, context.Region, [id], cancellationToken);
            throw found.Count == 0 ? ResourceKind.Volume.NotFound(id) : Ec2Errors.DryRunOperation();
        }

        if (!await _volumes.DeleteAsync(id, context.AccountId, context.Region, cancellationToken))
        {
            throw ResourceKind.Volume.NotFound(id);
        }
    }

    public static Volume ToContract(VolumeRecord volume, IReadOnlyList<ResourceTag> tags) => new()
    {
        VolumeId = volume.Id,
        Size = volume.Size,
        SnapshotId = volume.SnapshotId ?? string.Empty,
        AvailabilityZone = volume.AvailabilityZone,
        State = volume.State,
        CreateTime = volume.CreateTime.UtcDateTime,
        Encrypted = volume.Encrypted,
        KmsKeyId = volume.KmsKeyId,
        Iops = volume.Iops,
        VolumeType = volume.VolumeType,
        FastRestored = false,
        MultiAttachEnabled = volume.MultiAttachEnabled,
        Throughput = volume.Throughput,
        Tags = tags.Select(t => new Tag { Key = t.Key, Value = t.Value }).ToList(),
    };

    private async Task<Volume> RepeatAsync(VolumeRecord existing, string? fingerprint, string clientToken, CancellationToken cancellationToken)
    {
        if (existing.RequestFingerprint != fingerprint)
        {
            throw Ec2Errors.IdempotentParameterMismatch(clientToken);
        }

        var tags = await _tags.GetAsync([existing.Id], cancellationToken);
        return ToContract(existing, tags.GetValueOrDefault(existing.Id) ?? []);
    }

    // What a retry with the same client token must repeat: the request as asked (not the token or DryRun).
    private static string Fingerprint(CreateVolumeRequest request, string zone, IReadOnlyList<ResourceTag> tags)
    {
        var text = string.Join('\n',
            zone, request.Size?.ToString(CultureInfo.InvariantCulture), request.SnapshotId, request.VolumeType?.ToLowerInvariant(),
            request.Iops?.ToString(CultureInfo.InvariantCulture), request.Throughput?.ToString(CultureInfo.InvariantCulture),
            request.Encrypted == true ? "true" : "false", request.KmsKeyId, request.MultiAttachEnabled == true ? "true" : "false",
            string.Join('\u001f', tags.Select(t => $"{t.Key}\u001e{t.Value}")));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    private static string FormatTime(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}

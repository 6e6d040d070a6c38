using System.Globalization;
using Vmie.Ec2.Contracts.Common;
using Vmie.Ec2.Contracts.Snapshots;
using Vmie.Ec2.Errors;
using Vmie.Ec2.Filtering;
using Vmie.Ec2.Paging;
using Vmie.Ec2.Persistence;
using Vmie.Ec2.Requests;
using Vmie.Ec2.Resources;

namespace Vmie.Ec2.Snapshots;

/// <summary>DescribeSnapshots and DeleteSnapshot. Snapshots are private to their account and region.</summary>
public sealed class SnapshotService
{
    private const string Listing = "snapshots";

    private static readonly FilterSchema<(SnapshotRecord Snapshot, IReadOnlyList<ResourceTag> Tags)> Filters =
        new FilterSchema<(SnapshotRecord Snapshot, IReadOnlyList<ResourceTag> Tags)>()
            .Field("description", item => item.Snapshot.Description)
            .Field("encrypted", item => item.Snapshot.Encrypted ? "true" : "false")
            .Field("owner-alias", _ => null)
            .Field("owner-id", item => item.Snapshot.AccountId)
            .Field("progress", item => item.Snapshot.Progress)
            .Field("snapshot-id", item => item.Snapshot.Id)
            .Field("start-time", item => FormatTime(item.Snapshot.StartTime))
            .Field("status", item => item.Snapshot.State)
            .Field("storage-tier", _ => StandardStorageTier)
            .Field("transfer-type", _ => null)
            .Field("volume-id", item => item.Snapshot.VolumeId)
            .Field("volume-size", item => item.Snapshot.VolumeSize.ToString(CultureInfo.InvariantCulture))
            .WithTags(item => item.Tags.Select(t => KeyValuePair.Create(t.Key, t.Value)));

    private const string StandardStorageTier = "standard";

    private readonly SnapshotRepository _snapshots;
    private readonly TagRepository _tags;
    private readonly SnapshotReleaseSignal _releases;
    private readonly TimeProvider _time;

    public SnapshotService(SnapshotRepository snapshots, TagRepository tags, SnapshotReleaseSignal releases, TimeProvider time)
    {
        _snapshots = snapshots;
        _tags = tags;
        _releases = releases;
        _time = time;
    }

    /// <summary>
    /// The caller's snapshots, filtered, in creation order. OwnerIds may hold "self", the caller's account
    /// ID, "amazon" or other account IDs (which own nothing visible here); RestorableByUserIds is ignored
    /// because snapshots are not shared.
    /// </summary>
    public async Task<DescribeSnapshotsResult> DescribeAsync(DescribeSnapshotsRequest request, Ec2RequestContext context, CancellationToken cancellationToken = default)
    {
        var filters = Filters.Parse(request.Filters);
        var ids = (request.SnapshotIds ?? []).Select(ResourceKind.Snapshot.RequireWellFormed).Distinct(StringComparer.Ordinal).ToList();
        if (ids.Count > 0 && request.MaxResults is not null)
        {
            throw Ec2Errors.InvalidParameterCombination("The parameter SnapshotIds cannot be used with the parameter MaxResults.");
        }

        var pageSize = PageSize.Resolve(request.MaxResults, 5, 1000);
        var after = PageToken.DecodeSequence(Listing, request.NextToken);
        var ownSnapshotsVisible = OwnerSelection.IncludesCaller(request.OwnerIds, context);

        var source = new OwnedResourceSource<SnapshotRecord>(
            ResourceKind.Snapshot,
            record => record.Id,
            record => record.Sequence,
            (named, token) => _snapshots.FindManyAsync(context.AccountId, context.Region, named, token),
            (cursor, count, token) => _snapshots.ListAsync(context.AccountId, context.Region, cursor, count, token));
        var (items, continueAfter) = await OwnedResourceListing.PageAsync(source, ids, ownSnapshotsVisible, request.DryRun == true, after, pageSize, filters.Matches, _tags, cancellationToken);
        return new DescribeSnapshotsResult
        {
            Snapshots = items.Select(item => ToContract(item.Record, item.Tags)).ToList(),
            NextToken = continueAfter is { } next ? PageToken.EncodeSequence(Listing, next) : null,
        };
    }

    /// <summary>
    /// Deletes a snapshot of the caller, refused (InvalidSnapshot.InUse) while an AMI maps it or a task uses it: the metadata goes and its contents are queued for release in one
    /// transaction; the task runner releases them in the background. The answer does not wait for the blocks
    /// to be deleted: for a large snapshot that outlasts the AWS CLI's read timeout, and its retry would find
    /// the snapshot gone (InvalidSnapshot.NotFound) for a delete that succeeded.
    /// </summary>
    public async Task DeleteAsync(DeleteSnapshotRequest request, Ec2RequestContext context, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrEmpty(request.SnapshotId))
        {
            throw Ec2Errors.MissingParameter("SnapshotId");
        }

        var id = ResourceKind.Snapshot.RequireWellFormed(request.SnapshotId);
        if (request.DryRun == true)
        {
            var found = await _snapshots.FindManyAsync(context.AccountId, context.Region, [id], cancellationToken);
            throw found.Count == 0 ? ResourceKind.Snapshot.NotFound(id) : Ec2Errors.DryRunOperation();
        }

        var outcome = await _snapshots.DeleteAsync(id, context.AccountId, context.Region, _time.GetUtcNow(), cancellationToken);
        switch (outcome.Result)
        {
            case SnapshotDeleteResult.NotFound:
                throw ResourceKind.Snapshot.NotFound(id);
            case SnapshotDeleteResult.InUse:
                throw new Ec2Exception("InvalidSnapshot.InUse", $"The snapshot {id} is currently in use by {outcome.UsedBy}.");
        }

        _releases.NotifyReleaseQueued();
    }

    public static Snapshot ToContract(SnapshotRecord snapshot, IReadOnlyList<ResourceTag> tags) => new()
    {
        SnapshotId = snapshot.Id,
        VolumeId = snapshot.VolumeId,
        State = snapshot.State,
        StartTime = snapshot.StartTime.UtcDateTime,
        CompletionTime = snapshot.CompletionTime?.UtcDateTime,
        Progress = snapshot.Progress,
        OwnerId = snapshot.AccountId,
        Description = snapshot.Description,
        VolumeSize = snapshot.VolumeSize,
        Encrypted = snapshot.Encrypted,
        KmsKeyId = snapshot.KmsKeyId,
        StorageTier = StandardStorageTier,
        FullSnapshotSizeInBytes = snapshot.DataBytes,
        Tags = tags.Select(t => new Tag { Key = t.Key, Value = t.Value }).ToList(),
    };

    private static string FormatTime(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}

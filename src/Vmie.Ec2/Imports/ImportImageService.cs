using Microsoft.Extensions.Logging;
using Vmie.Ec2.Composition;
using Vmie.Ec2.Contracts.ImportImages;
using Vmie.Ec2.Errors;
using Vmie.Ec2.Filtering;
using Vmie.Ec2.Paging;
using Vmie.Ec2.Persistence;
using Vmie.Ec2.Requests;
using Vmie.Ec2.Resources;
using Vmie.Ec2.Tasks;
using Vmie.Storage.Objects;

namespace Vmie.Ec2.Imports;

/// <summary>ImportImage and DescribeImportImageTasks (CancelImportTask is <see cref="CancelImportTaskService"/>).</summary>
public sealed class ImportImageService
{
    private const string Listing = "import-image-tasks";
    private const string CompletedSnapshotState = "completed";

    private static readonly FilterSchema<ImageTaskItem> Filters =
        new FilterSchema<ImageTaskItem>()
            .Field("task-state", item => item.Task.Status)
            .WithTags(item => item.Tags.Select(t => KeyValuePair.Create(t.Key, t.Value)));

    private readonly ImportTaskRepository _tasks;
    private readonly TaskDiskRepository _disks;
    private readonly SnapshotRepository _snapshots;
    private readonly TagRepository _tags;
    private readonly IObjectStore _objects;
    private readonly IImportSourceResolver _sourceResolver;
    private readonly ImportTaskSignal _signal;
    private readonly Ec2Options _options;
    private readonly TimeProvider _time;
    private readonly ILogger<ImportImageService> _logger;

    public ImportImageService(
        ImportTaskRepository tasks,
        TaskDiskRepository disks,
        SnapshotRepository snapshots,
        TagRepository tags,
        IObjectStore objects,
        IImportSourceResolver sourceResolver,
        ImportTaskSignal signal,
        Ec2Options options,
        TimeProvider time,
        ILogger<ImportImageService> logger)
    {
        _tasks = tasks;
        _disks = disks;
        _snapshots = snapshots;
        _tags = tags;
        _objects = objects;
        _sourceResolver = sourceResolver;
        _signal = signal;
        _options = options;
        _time = time;
        _logger = logger;
    }

    /// <summary>
    /// Checks the request (faults found from the request alone, the buckets and the source snapshots) and
    /// records a pending import image task with one row per disk. Faults found in the data (a missing object,
    /// an unreadable image, an unsupported guest) end the task instead, as AWS does.
    /// </summary>
    public async Task<ImportImageResult> ImportAsync(ImportImageRequest request, Ec2RequestContext context, CancellationToken cancellationToken = default)
    {
        var validated = ImportImageRequestValidator.Validate(request);
        var fingerprint = validated.Parameters.Fingerprint();

        // A retry with the same token returns the task it created, even if the sources changed since.
        if (validated.ClientToken is not null && request.DryRun != true)
        {
            var existing = await _tasks.FindByClientTokenAsync(context.AccountId, context.Region, ImportTaskKind.ImportImage, validated.ClientToken, cancellationToken);
            if (existing is not null)
            {
                return await DescribeExistingAsync(existing, fingerprint, validated.ClientToken, cancellationToken);
            }
        }

        var locations = new ImportSourceLocation?[validated.Disks.Count];
        for (var i = 0; i < validated.Disks.Count; i++)
        {
            if (validated.Disks[i].Source is { } source)
            {
                var location = source.Location ?? await _sourceResolver.ResolveAsync(source.UrlToResolve!, context, cancellationToken);
                await ImportSourceBuckets.RequireUsableAsync(_objects, location.Bucket, context, cancellationToken);
                locations[i] = location;
            }
        }

        await RequireSourceSnapshotsAsync(validated.Disks, context, cancellationToken);

        if (request.DryRun == true)
        {
            throw Ec2Errors.DryRunOperation();
        }

        var now = _time.GetUtcNow();
        var task = new ImportTaskRecord
        {
            Id = ResourceKind.ImportImageTask.NewId(),
            Kind = ImportTaskKind.ImportImage,
            AccountId = context.AccountId,
            Region = context.Region,
            Status = ImportTaskStatus.Active,
            StatusMessage = ImportTaskMessages.Pending,
            Progress = ImportProgress.ImageInitial,
            DiskImageSize = 0,
            Description = validated.Parameters.Description,
            RequestJson = validated.Parameters.ToJson(),
            ClientToken = validated.ClientToken,
            RequestFingerprint = fingerprint,
            CreatedAt = now,
            UpdatedAt = now,
        };

        var disks = validated.Disks.Select((disk, i) => new TaskDiskRecord
        {
            TaskId = task.Id,
            Position = i,
            Format = disk.Parameters.Format,
            SourceBucket = locations[i]?.Bucket,
            SourceKey = locations[i]?.Key,
            Url = disk.Parameters.Url,
            Description = disk.Parameters.Description,
            SourceSnapshotId = disk.SnapshotId,
            Status = ImportTaskStatus.Active,
            DiskImageSize = 0,
        }).ToList();

        var outcome = await _tasks.InsertAsync(
            task, disks, validated.Tags, ResourceKind.ImportImageTask.ResourceType, ImportTaskKind.CountedTowardsActiveLimit, _options.MaxActiveImportTasksPerRegion, cancellationToken);
        switch (outcome.Result)
        {
            case ImportTaskInsertResult.ClientTokenTaken:
                return await DescribeExistingAsync(outcome.Existing!, fingerprint, validated.ClientToken!, cancellationToken);
            case ImportTaskInsertResult.ActiveTaskLimitReached:
                throw ImportTaskLimits.ActiveTasksExceeded(_options.MaxActiveImportTasksPerRegion, context.Region);
        }

        _signal.NotifyWorkAvailable();

        // Accepted and reported as asked (clients and tooling expect it), but the operator must know the truth.
        if (validated.Parameters.Encrypted)
        {
            _logger.LogWarning(
                "Import task {TaskId} asks for encrypted snapshots (KMS key {KmsKeyId}); they will be reported as encrypted, but their blocks are not encrypted at rest by this version of vmie.",
                task.Id, validated.Parameters.KmsKeyId ?? "default");
        }

        return ImportImageTaskView.ToResult(task, disks, validated.Tags);
    }

    public async Task<DescribeImportImageTasksResult> DescribeAsync(DescribeImportImageTasksRequest request, Ec2RequestContext context, CancellationToken cancellationToken = default)
    {
        var filters = Filters.Parse(request.Filters);
        var ids = (request.ImportTaskIds ?? []).Select(ResourceKind.ImportImageTask.RequireWellFormed).Distinct(StringComparer.Ordinal).ToList();
        var pageSize = PageSize.Resolve(request.MaxResults, 1, 1000);
        var after = PageToken.DecodeSequence(Listing, request.NextToken);

        IReadOnlyList<ImportTaskRecord>? named = null;
        if (ids.Count > 0)
        {
            named = await _tasks.FindManyAsync(context.AccountId, context.Region, ImportTaskKind.ImportImage, ids, cancellationToken);
            var missing = ids.FirstOrDefault(id => !named.Any(t => t.Id == id));
            if (missing is not null)
            {
                throw ResourceKind.ImportImageTask.NotFound(missing);
            }
        }

        if (request.DryRun == true)
        {
            throw Ec2Errors.DryRunOperation();
        }

        async Task<IReadOnlyList<ImageTaskItem>> FetchAsync(long cursor, int count, CancellationToken token)
        {
            var rows = named is not null
                ? named.Where(t => t.Sequence > cursor).Take(count).ToList()
                : await _tasks.ListAsync(context.AccountId, context.Region, ImportTaskKind.ImportImage, cursor, count, token);
            var taskIds = rows.Select(t => t.Id).ToList();
            var tags = await _tags.GetAsync(taskIds, token);
            var disks = await _disks.GetAsync(taskIds, token);
            return rows.Select(t => new ImageTaskItem(t, disks.GetValueOrDefault(t.Id) ?? [], tags.GetValueOrDefault(t.Id) ?? [])).ToList();
        }

        var (items, continueAfter) = await SequencePager.PageAsync(after, pageSize, FetchAsync, item => item.Task.Sequence, filters.Matches, cancellationToken);
        return new DescribeImportImageTasksResult
        {
            ImportImageTasks = items.Select(item => ImportImageTaskView.ToTask(item.Task, item.Disks, item.Tags)).ToList(),
            NextToken = continueAfter is { } next ? PageToken.EncodeSequence(Listing, next) : null,
        };
    }

    // A disk taken from a snapshot needs a completed snapshot of the caller's, in the request's region.
    private async Task RequireSourceSnapshotsAsync(IReadOnlyList<ValidatedImageDisk> disks, Ec2RequestContext context, CancellationToken cancellationToken)
    {
        var ids = disks.Where(d => d.SnapshotId is not null).Select(d => d.SnapshotId!).Distinct(StringComparer.Ordinal).ToList();
        if (ids.Count == 0)
        {
            return;
        }

        var found = await _snapshots.FindManyAsync(context.AccountId, context.Region, ids, cancellationToken);
        foreach (var id in ids)
        {
            var snapshot = found.FirstOrDefault(s => s.Id == id) ?? throw ResourceKind.Snapshot.NotFound(id);
            if (snapshot.State != CompletedSnapshotState)
            {
                throw Ec2Errors.IncorrectState($"The snapshot '{id}' is {snapshot.State}; a disk can be imported only from a completed snapshot.");
            }
        }
    }

    private async Task<ImportImageResult> DescribeExistingAsync(ImportTaskRecord existing, string fingerprint, string clientToken, CancellationToken cancellationToken)
    {
        if (existing.RequestFingerprint != fingerprint)
        {
            throw Ec2Errors.IdempotentParameterMismatch(clientToken);
        }

        var tags = await _tags.GetAsync([existing.Id], cancellationToken);
        var disks = await _disks.GetAsync([existing.Id], cancellationToken);
        return ImportImageTaskView.ToResult(existing, disks.GetValueOrDefault(existing.Id) ?? [], tags.GetValueOrDefault(existing.Id) ?? []);
    }

    private sealed record ImageTaskItem(ImportTaskRecord Task, IReadOnlyList<TaskDiskRecord> Disks, IReadOnlyList<ResourceTag> Tags);
}

using Microsoft.Extensions.Logging;
using Vmie.Ec2.Composition;
using Vmie.Ec2.Contracts.ImportSnapshots;
using Vmie.Ec2.Errors;
using Vmie.Ec2.Filtering;
using Vmie.Ec2.Paging;
using Vmie.Ec2.Persistence;
using Vmie.Ec2.Requests;
using Vmie.Ec2.Resources;
using Vmie.Ec2.Tasks;
using Vmie.Storage.Objects;

namespace Vmie.Ec2.Imports;

/// <summary>ImportSnapshot and DescribeImportSnapshotTasks.</summary>
public sealed class ImportSnapshotService
{
    private const string Listing = "import-snapshot-tasks";

    private static readonly FilterSchema<(ImportTaskRecord Task, IReadOnlyList<ResourceTag> Tags)> Filters =
        new FilterSchema<(ImportTaskRecord Task, IReadOnlyList<ResourceTag> Tags)>()
            .Field("task-state", item => item.Task.Status)
            .WithTags(item => item.Tags.Select(t => KeyValuePair.Create(t.Key, t.Value)));

    private readonly ImportTaskRepository _tasks;
    private readonly TagRepository _tags;
    private readonly IObjectStore _objects;
    private readonly IImportSourceResolver _sourceResolver;
    private readonly ImportTaskSignal _signal;
    private readonly Ec2Options _options;
    private readonly TimeProvider _time;
    private readonly ILogger<ImportSnapshotService> _logger;

    public ImportSnapshotService(
        ImportTaskRepository tasks,
        TagRepository tags,
        IObjectStore objects,
        IImportSourceResolver sourceResolver,
        ImportTaskSignal signal,
        Ec2Options options,
        TimeProvider time,
        ILogger<ImportSnapshotService> logger)
    {
        _tasks = tasks;
        _tags = tags;
        _objects = objects;
        _sourceResolver = sourceResolver;
        _signal = signal;
        _options = options;
        _time = time;
        _logger = logger;
    }

    /// <summary>
    /// Validates the request at once and queues an import task. The source object's existence is checked by
    /// the task, as AWS does: a missing key ends the task deleted with a ClientError message.
    /// </summary>
    public async Task<ImportSnapshotResult> ImportAsync(ImportSnapshotRequest request, Ec2RequestContext context, CancellationToken cancellationToken = default)
    {
        var validated = ImportSnapshotRequestValidator.Validate(request);
        var fingerprint = validated.Parameters.Fingerprint();

        // A retry with the same token returns the task it created, even if the source changed since.
        if (validated.ClientToken is not null && request.DryRun != true)
        {
            var existing = await _tasks.FindByClientTokenAsync(context.AccountId, context.Region, ImportTaskKind.ImportSnapshot, validated.ClientToken, cancellationToken);
            if (existing is not null)
            {
                return await DescribeExistingAsync(existing, fingerprint, validated.ClientToken, cancellationToken);
            }
        }

        var source = validated.Source ?? await _sourceResolver.ResolveAsync(validated.UrlToResolve!, context, cancellationToken);
        await ImportSourceBuckets.RequireUsableAsync(_objects, source.Bucket, context, cancellationToken);

        if (request.DryRun == true)
        {
            throw Ec2Errors.DryRunOperation();
        }

        var now = _time.GetUtcNow();
        var task = new ImportTaskRecord
        {
            Id = ResourceKind.ImportSnapshotTask.NewId(),
            Kind = ImportTaskKind.ImportSnapshot,
            AccountId = context.AccountId,
            Region = context.Region,
            Status = ImportTaskStatus.Active,
            StatusMessage = ImportTaskMessages.Pending,
            Progress = ImportProgress.Initial,
            DiskImageSize = 0,
            Description = validated.Parameters.Description,
            RequestJson = validated.Parameters.ToJson(),
            SourceBucket = source.Bucket,
            SourceKey = source.Key,
            ClientToken = validated.ClientToken,
            RequestFingerprint = fingerprint,
            CreatedAt = now,
            UpdatedAt = now,
        };

        var outcome = await _tasks.InsertAsync(
            task, validated.Tags, ResourceKind.ImportSnapshotTask.ResourceType, ImportTaskKind.CountedTowardsActiveLimit, _options.MaxActiveImportTasksPerRegion, cancellationToken);
        switch (outcome.Result)
        {
            case ImportTaskInsertResult.ClientTokenTaken:
                return await DescribeExistingAsync(outcome.Existing!, fingerprint, validated.ClientToken!, cancellationToken);
            case ImportTaskInsertResult.ActiveTaskLimitReached:
                throw ImportTaskLimits.ActiveTasksExceeded(_options.MaxActiveImportTasksPerRegion, context.Region);
        }

        // Accepted and reported as asked (clients and tooling expect it), but the operator must know the truth.
        if (validated.Parameters.Encrypted)
        {
            _logger.LogWarning(
                "Import task {TaskId} asks for an encrypted snapshot (KMS key {KmsKeyId}); the snapshot will be reported as encrypted, but its blocks are not encrypted at rest by this version of vmie.",
                task.Id, validated.Parameters.KmsKeyId ?? "default");
        }

        _signal.NotifyWorkAvailable();
        return ImportSnapshotTaskView.ToResult(task, validated.Tags);
    }

    public async Task<DescribeImportSnapshotTasksResult> DescribeAsync(DescribeImportSnapshotTasksRequest request, Ec2RequestContext context, CancellationToken cancellationToken = default)
    {
        var filters = Filters.Parse(request.Filters);
        var ids = (request.ImportTaskIds ?? []).Select(ResourceKind.ImportSnapshotTask.RequireWellFormed).Distinct(StringComparer.Ordinal).ToList();
        var pageSize = PageSize.Resolve(request.MaxResults, 1, 1000);
        var after = PageToken.DecodeSequence(Listing, request.NextToken);

        IReadOnlyList<ImportTaskRecord>? named = null;
        if (ids.Count > 0)
        {
            named = await _tasks.FindManyAsync(context.AccountId, context.Region, ImportTaskKind.ImportSnapshot, ids, cancellationToken);
            var missing = ids.FirstOrDefault(id => !named.Any(t => t.Id == id));
            if (missing is not null)
            {
                throw ResourceKind.ImportSnapshotTask.NotFound(missing);
            }
        }

        if (request.DryRun == true)
        {
            throw Ec2Errors.DryRunOperation();
        }

        async Task<IReadOnlyList<(ImportTaskRecord Task, IReadOnlyList<ResourceTag> Tags)>> FetchAsync(long cursor, int count, CancellationToken token)
        {
            var rows = named is not null
                ? named.Where(t => t.Sequence > cursor).Take(count).ToList()
                : await _tasks.ListAsync(context.AccountId, context.Region, ImportTaskKind.ImportSnapshot, cursor, count, token);
            var tags = await _tags.GetAsync(rows.Select(t => t.Id).ToList(), token);
            return rows.Select(t => (t, tags.GetValueOrDefault(t.Id) ?? [])).ToList();
        }

        var (items, continueAfter) = await SequencePager.PageAsync(after, pageSize, FetchAsync, item => item.Task.Sequence, filters.Matches, cancellationToken);
        return new DescribeImportSnapshotTasksResult
        {
            ImportSnapshotTasks = items.Select(item => ImportSnapshotTaskView.ToTask(item.Task, item.Tags)).ToList(),
            NextToken = continueAfter is { } next ? PageToken.EncodeSequence(Listing, next) : null,
        };
    }

    private async Task<ImportSnapshotResult> DescribeExistingAsync(ImportTaskRecord existing, string fingerprint, string clientToken, CancellationToken cancellationToken)
    {
        if (existing.RequestFingerprint != fingerprint)
        {
            throw Ec2Errors.IdempotentParameterMismatch(clientToken);
        }

        var tags = await _tags.GetAsync([existing.Id], cancellationToken);
        return ImportSnapshotTaskView.ToResult(existing, tags.GetValueOrDefault(existing.Id) ?? []);
    }
}

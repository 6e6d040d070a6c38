using Vmie.Ec2.Contracts.Tags;
using Vmie.Ec2.Errors;
using Vmie.Ec2.Filtering;
using Vmie.Ec2.Paging;
using Vmie.Ec2.Persistence;
using Vmie.Ec2.Requests;
using Vmie.Ec2.Resources;

namespace Vmie.Ec2.Tags;

/// <summary>CreateTags, DeleteTags and DescribeTags over the resources this vmie keeps (snapshots, images, volumes and tasks).</summary>
public sealed class TagService
{
    public const int MaxResourcesPerRequest = 1000;

    private const string Listing = "tags";
    private const int BatchSize = 200;

    private static readonly FilterSchema<TagRow> Filters = new FilterSchema<TagRow>()
        .Field("key", row => row.Key)
        .Field("value", row => row.Value)
        .Field("resource-id", row => row.ResourceId)
        .Field("resource-type", row => row.ResourceType)
        .WithTags(row => [KeyValuePair.Create(row.Key, row.Value)], tagKeyFilter: false);

    private readonly TagRepository _tags;

    public TagService(TagRepository tags)
    {
        _tags = tags;
    }

    /// <summary>Adds or overwrites tags on every listed resource, all or nothing.</summary>
    public async Task CreateAsync(CreateTagsRequest request, Ec2RequestContext context, CancellationToken cancellationToken = default)
    {
        var resources = ValidateResources(request.Resources);
        if (request.Tags is null || request.Tags.Count == 0)
        {
            throw Ec2Errors.MissingParameter("Tag");
        }

        var tags = TagRules.ValidateForCreate(request.Tags);
        await DryRunAsync(request.DryRun, resources, context, cancellationToken);

        var outcome = await _tags.CreateAsync(context.AccountId, context.Region, resources, tags, TagRules.MaxTagsPerResource, cancellationToken);
        ThrowOnFailure(outcome);
    }

    /// <summary>Deletes the given tags (all tags when none are given) from every listed resource.</summary>
    public async Task DeleteAsync(DeleteTagsRequest request, Ec2RequestContext context, CancellationToken cancellationToken = default)
    {
        var resources = ValidateResources(request.Resources);
        var tags = TagRules.ValidateForDelete(request.Tags);
        await DryRunAsync(request.DryRun, resources, context, cancellationToken);

        var outcome = await _tags.DeleteAsync(context.AccountId, context.Region, resources, tags, cancellationToken);
        ThrowOnFailure(outcome);
    }

    /// <summary>The caller's tags ordered by resource ID then key, filtered and paginated.</summary>
    public async Task<DescribeTagsResult> DescribeAsync(DescribeTagsRequest request, Ec2RequestContext context, CancellationToken cancellationToken = default)
    {
        var filters = Filters.Parse(request.Filters);
        var pageSize = PageSize.Resolve(request.MaxResults, 5, 1000);
        var position = PageToken.Decode(Listing, request.NextToken);
        var (afterId, afterKey) = (string.Empty, string.Empty);
        if (position is not null)
        {
            var separator = position.IndexOf('\n', StringComparison.Ordinal);
            if (separator <= 0)
            {
                throw Ec2Errors.InvalidNextToken(request.NextToken);
            }

            (afterId, afterKey) = (position[..separator], position[(separator + 1)..]);
        }

        if (request.DryRun == true)
        {
            throw Ec2Errors.DryRunOperation();
        }

        var result = new DescribeTagsResult();
        while (true)
        {
            var batch = await _tags.ListAsync(context.AccountId, context.Region, afterId, afterKey, BatchSize, cancellationToken);
            foreach (var row in batch)
            {
                (afterId, afterKey) = (row.ResourceId, row.Key);
                if (!filters.Matches(row))
                {
                    continue;
                }

                if (pageSize is { } size && result.Tags.Count == size)
                {
                    var last = result.Tags[^1];
                    result.NextToken = PageToken.Encode(Listing, $"{last.ResourceId}\n{last.Key}");
                    return result;
                }

                result.Tags.Add(new TagDescription { ResourceId = row.ResourceId, ResourceType = row.ResourceType, Key = row.Key, Value = row.Value });
            }

            if (batch.Count < BatchSize)
            {
                return result;
            }
        }
    }

    private static List<string> ValidateResources(List<string>? resources)
    {
        if (resources is null || resources.Count == 0)
        {
            throw Ec2Errors.MissingParameter("ResourceId");
        }

        if (resources.Count > MaxResourcesPerRequest)
        {
            throw Ec2Errors.InvalidParameterValue($"The request names {resources.Count} resources; at most {MaxResourcesPerRequest} are allowed.");
        }

        foreach (var id in resources)
        {
            var kind = ResourceKind.FromPrefix(id) ?? throw new Ec2Exception("InvalidID", $"The ID '{id}' is not valid");
            kind.RequireWellFormed(id);
        }

        return resources.Distinct(StringComparer.Ordinal).ToList();
    }

    private async Task DryRunAsync(bool? dryRun, IReadOnlyList<string> resources, Ec2RequestContext context, CancellationToken cancellationToken)
    {
        if (dryRun != true)
        {
            return;
        }

        var missing = await _tags.FindMissingAsync(context.AccountId, context.Region, resources, cancellationToken);
        throw missing is not null ? ResourceKind.FromPrefix(missing)!.NotFound(missing) : Ec2Errors.DryRunOperation();
    }

    private static void ThrowOnFailure(TagWriteOutcome outcome)
    {
        switch (outcome.Result)
        {
            case TagWriteResult.ResourceNotFound:
                throw ResourceKind.FromPrefix(outcome.ResourceId)!.NotFound(outcome.ResourceId!);
            case TagWriteResult.TagLimitExceeded:
                throw Ec2Errors.TagLimitExceeded(outcome.ResourceId!, TagRules.MaxTagsPerResource);
        }
    }
}

namespace Vmie.Api.Tests.Protocols.Ec2Query.Fixtures;

// Test-only request types for the tag actions (shared by CreateTags and DeleteTags).

public sealed class TagsRequest
{
    public bool? DryRun { get; set; }

    public List<string>? Resources { get; set; }

    public List<Tag>? Tags { get; set; }
}

public sealed class DescribeTagsRequest
{
    public bool? DryRun { get; set; }

    public List<Filter>? Filters { get; set; }

    public int? MaxResults { get; set; }

    public string? NextToken { get; set; }
}

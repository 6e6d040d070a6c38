namespace Vmie.Ec2.Contracts.Tags;

public sealed class DescribeTagsResult
{
    public string? NextToken { get; set; }

    public List<TagDescription> Tags { get; set; } = [];
}

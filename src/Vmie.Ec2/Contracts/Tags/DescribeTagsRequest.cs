using Vmie.Ec2.Contracts.Common;

namespace Vmie.Ec2.Contracts.Tags;

public sealed class DescribeTagsRequest
{
    public bool? DryRun { get; set; }

    /// <summary>key, value, resource-id, resource-type, tag:&lt;key&gt; (wire name Filter.N).</summary>
    public List<Filter>? Filters { get; set; }

    /// <summary>5..1000.</summary>
    public int? MaxResults { get; set; }

    public string? NextToken { get; set; }
}

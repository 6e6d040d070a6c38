using Vmie.Ec2.Contracts.Common;

namespace Vmie.Ec2.Contracts.ImportImages;

public sealed class DescribeImportImageTasksRequest
{
    public bool? DryRun { get; set; }

    /// <summary>task-state, tag:&lt;key&gt;, tag-key.</summary>
    public List<Filter>? Filters { get; set; }

    /// <summary>Wire name ImportTaskId.N.</summary>
    public List<string>? ImportTaskIds { get; set; }

    public int? MaxResults { get; set; }

    public string? NextToken { get; set; }
}

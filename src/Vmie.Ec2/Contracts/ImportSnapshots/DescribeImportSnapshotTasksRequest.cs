using Vmie.Ec2.Contracts.Common;

namespace Vmie.Ec2.Contracts.ImportSnapshots;

public sealed class DescribeImportSnapshotTasksRequest
{
    public bool? DryRun { get; set; }

    /// <summary>task-state, tag:&lt;key&gt;, tag-key (wire name Filters.N).</summary>
    public List<Filter>? Filters { get; set; }

    public List<string>? ImportTaskIds { get; set; }

    public int? MaxResults { get; set; }

    public string? NextToken { get; set; }
}

using Vmie.Ec2.Contracts.Common;

namespace Vmie.Ec2.Contracts.Snapshots;

public sealed class DescribeSnapshotsRequest
{
    public int? MaxResults { get; set; }

    public string? NextToken { get; set; }

    /// <summary>Account IDs, "self" or "amazon" (wire name Owner.N).</summary>
    public List<string>? OwnerIds { get; set; }

    /// <summary>Accepted and ignored: snapshots are not shared between accounts.</summary>
    public List<string>? RestorableByUserIds { get; set; }

    public List<string>? SnapshotIds { get; set; }

    public bool? DryRun { get; set; }

    /// <summary>Wire name Filter.N.</summary>
    public List<Filter>? Filters { get; set; }
}

namespace Vmie.Ec2.Contracts.Snapshots;

public sealed class DescribeSnapshotsResult
{
    public string? NextToken { get; set; }

    public List<Snapshot> Snapshots { get; set; } = [];
}

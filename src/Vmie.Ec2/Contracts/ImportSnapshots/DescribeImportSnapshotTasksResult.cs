namespace Vmie.Ec2.Contracts.ImportSnapshots;

public sealed class DescribeImportSnapshotTasksResult
{
    public List<ImportSnapshotTask> ImportSnapshotTasks { get; set; } = [];

    public string? NextToken { get; set; }
}

namespace Vmie.Ec2.Contracts.ImportImages;

public sealed class DescribeImportImageTasksResult
{
    public List<ImportImageTask> ImportImageTasks { get; set; } = [];

    public string? NextToken { get; set; }
}

namespace Vmie.Ec2.Contracts.Volumes;

public sealed class DescribeVolumesResult
{
    public string? NextToken { get; set; }

    public List<Volume> Volumes { get; set; } = [];
}

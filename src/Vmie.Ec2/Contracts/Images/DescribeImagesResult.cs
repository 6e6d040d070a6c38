namespace Vmie.Ec2.Contracts.Images;

public sealed class DescribeImagesResult
{
    public string? NextToken { get; set; }

    public List<Image> Images { get; set; } = [];
}

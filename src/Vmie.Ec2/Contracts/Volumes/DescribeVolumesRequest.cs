using Vmie.Ec2.Contracts.Common;

namespace Vmie.Ec2.Contracts.Volumes;

public sealed class DescribeVolumesRequest
{
    public List<string>? VolumeIds { get; set; }

    public bool? DryRun { get; set; }

    /// <summary>Wire name Filter.N.</summary>
    public List<Filter>? Filters { get; set; }

    public string? NextToken { get; set; }

    public int? MaxResults { get; set; }
}

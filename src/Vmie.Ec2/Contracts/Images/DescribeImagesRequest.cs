using Vmie.Ec2.Contracts.Common;

namespace Vmie.Ec2.Contracts.Images;

public sealed class DescribeImagesRequest
{
    /// <summary>"self", "all" or account IDs (wire name ExecutableBy.N).</summary>
    public List<string>? ExecutableUsers { get; set; }

    public List<string>? ImageIds { get; set; }

    /// <summary>"self", "amazon", "aws-marketplace" or account IDs (wire name Owner.N).</summary>
    public List<string>? Owners { get; set; }

    /// <summary>Accepted; no AMI of this vmie is ever deprecated.</summary>
    public bool? IncludeDeprecated { get; set; }

    /// <summary>Accepted; no AMI of this vmie is ever disabled.</summary>
    public bool? IncludeDisabled { get; set; }

    public int? MaxResults { get; set; }

    public string? NextToken { get; set; }

    public bool? DryRun { get; set; }

    /// <summary>Wire name Filter.N.</summary>
    public List<Filter>? Filters { get; set; }
}

using Vmie.Ec2.Contracts.Common;

namespace Vmie.Ec2.Contracts.Tags;

/// <summary>CreateTags has no output shape.</summary>
public sealed class CreateTagsRequest
{
    public bool? DryRun { get; set; }

    /// <summary>Wire name ResourceId.N.</summary>
    public List<string>? Resources { get; set; }

    /// <summary>Wire name Tag.N.Key / Tag.N.Value; a missing value means the empty string.</summary>
    public List<Tag>? Tags { get; set; }
}

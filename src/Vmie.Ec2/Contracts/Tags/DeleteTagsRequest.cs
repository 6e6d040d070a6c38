using Vmie.Ec2.Contracts.Common;

namespace Vmie.Ec2.Contracts.Tags;

/// <summary>DeleteTags has no output shape.</summary>
public sealed class DeleteTagsRequest
{
    public bool? DryRun { get; set; }

    /// <summary>Wire name ResourceId.N.</summary>
    public List<string>? Resources { get; set; }

    /// <summary>
    /// Wire name Tag.N.Key / Tag.N.Value. None: every tag of the resources goes. A key without a value
    /// deletes that key whatever its value; a key with a value (even "") deletes it only if the value matches.
    /// </summary>
    public List<Tag>? Tags { get; set; }
}

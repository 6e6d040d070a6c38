using Vmie.Ec2.Contracts.Common;
using Vmie.Ec2.Errors;
using Vmie.Ec2.Persistence;
using Vmie.Ec2.Resources;

namespace Vmie.Ec2.Tags;

/// <summary>TagSpecification.N of an operation that creates one kind of resource and tags it at creation.</summary>
public static class CreationTags
{
    /// <summary>The tags to apply; refuses any resource type but <paramref name="kind"/>'s and more than one specification.</summary>
    public static IReadOnlyList<ResourceTag> Validate(IReadOnlyList<TagSpecification>? specifications, ResourceKind kind, string operation)
    {
        if (specifications is null || specifications.Count == 0)
        {
            return [];
        }

        var allowed = kind.ResourceType;
        if (specifications.Count > 1)
        {
            throw Ec2Errors.InvalidParameterValue($"Give one tag specification, for resource type '{allowed}'.");
        }

        var specification = specifications[0];
        if (string.IsNullOrEmpty(specification.ResourceType))
        {
            throw Ec2Errors.MissingParameter("TagSpecification.1.ResourceType");
        }

        if (specification.ResourceType != allowed)
        {
            throw Ec2Errors.InvalidParameterValue(
                $"'{specification.ResourceType}' is not a valid taggable resource type for this operation; {operation} can tag '{allowed}'.");
        }

        return TagRules.ValidateForCreate(specification.Tags);
    }
}

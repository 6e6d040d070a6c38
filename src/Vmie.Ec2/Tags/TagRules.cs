using Vmie.Ec2.Contracts.Common;
using Vmie.Ec2.Errors;
using Vmie.Ec2.Persistence;

namespace Vmie.Ec2.Tags;

/// <summary>EC2's tag restrictions: at most 50 tags per resource, keys of 1..128 and values of 0..256 Unicode characters, "aws:" reserved.</summary>
public static class TagRules
{
    public const int MaxTagsPerResource = 50;
    public const int MaxKeyLength = 128;
    public const int MaxValueLength = 256;
    public const string ReservedPrefix = "aws:";

    /// <summary>Checks tags to add; a missing value becomes the empty string.</summary>
    public static IReadOnlyList<ResourceTag> ValidateForCreate(IReadOnlyList<Tag>? tags)
    {
        if (tags is null || tags.Count == 0)
        {
            return [];
        }

        if (tags.Count > MaxTagsPerResource)
        {
            throw Ec2Errors.TooManyTags(tags.Count, MaxTagsPerResource);
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<ResourceTag>(tags.Count);
        foreach (var tag in tags)
        {
            var key = ValidateKey(tag?.Key);
            var value = tag?.Value ?? string.Empty;
            if (CountCharacters(value) > MaxValueLength)
            {
                throw Ec2Errors.InvalidParameterValue($"The value of tag '{key}' is longer than {MaxValueLength} characters.");
            }

            if (!seen.Add(key))
            {
                throw Ec2Errors.InvalidParameterValue($"The tag key '{key}' is given more than once.");
            }

            result.Add(new ResourceTag(key, value));
        }

        return result;
    }

    /// <summary>Checks tags to delete: keys as for creation, the value kept null when not given.</summary>
    public static IReadOnlyList<TagDeletion>? ValidateForDelete(IReadOnlyList<Tag>? tags)
    {
        if (tags is null || tags.Count == 0)
        {
            return null;
        }

        return tags.Select(tag => new TagDeletion(ValidateKey(tag?.Key), tag?.Value)).ToList();
    }

    public static string ValidateKey(string? key)
    {
        if (string.IsNullOrEmpty(key))
        {
            throw Ec2Errors.InvalidParameterValue("Tag keys must not be empty.");
        }

        if (CountCharacters(key) > MaxKeyLength)
        {
            throw Ec2Errors.InvalidParameterValue($"The tag key '{key}' is longer than {MaxKeyLength} characters.");
        }

        if (key.StartsWith(ReservedPrefix, StringComparison.OrdinalIgnoreCase))
        {
            throw Ec2Errors.InvalidParameterValue($"The tag key '{key}' is not allowed: keys starting with '{ReservedPrefix}' are reserved for AWS use.");
        }

        return key;
    }

    // Limits count Unicode characters (code points), not UTF-16 units.
    private static int CountCharacters(string text)
    {
        var count = 0;
        foreach (var _ in text.EnumerateRunes())
        {
            count++;
        }

        return count;
    }
}

using System.Text.RegularExpressions;
using Vmie.Ec2.Errors;

namespace Vmie.Ec2.Images;

/// <summary>EC2's rules for AMI names: 3 to 128 characters among letters, digits and ( ) [ ] space . / - ' @ _.</summary>
public static partial class ImageNameRules
{
    public const int MinLength = 3;
    public const int MaxLength = 128;

    public static bool IsValid(string? name) => name is not null && NamePattern().IsMatch(name);

    public static string Require(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            throw Ec2Errors.MissingParameter("name");
        }

        return IsValid(name)
            ? name
            : throw new Ec2Exception(
                "InvalidAMIName.Malformed",
                $"AMI names must be between {MinLength} and {MaxLength} characters long, and may contain letters, numbers, '(', ')', '[', ']', ' ', '.', '/', '-', ''', '@' and '_'.");
    }

    [GeneratedRegex(@"^[A-Za-z0-9()\[\] ./\-'@_]{3,128}$", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();
}

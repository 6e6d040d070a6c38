using System.Net;

namespace Vmie.Storage.Objects;

/// <summary>S3's rules for general purpose bucket names (3-63 characters of a-z, 0-9, '.' and '-', ...).</summary>
public static class BucketNameRules
{
    private static readonly string[] ReservedPrefixes = ["xn--", "sthree-", "amzn-s3-demo-"];
    private static readonly string[] ReservedSuffixes = ["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"];

    /// <returns>null when <paramref name="name"/> is a valid bucket name, otherwise why it is not.</returns>
    public static string? Violation(string name)
    {
        if (name.Length is < 3 or > 63)
        {
            return "Bucket names must be between 3 and 63 characters long.";
        }

        foreach (var c in name)
        {
            if (c is not ((>= 'a' and <= 'z') or (>= '0' and <= '9') or '.' or '-'))
            {
                return "Bucket names can consist only of lowercase letters, numbers, dots (.), and hyphens (-).";
            }
        }

        if (!char.IsAsciiLetterOrDigit(name[0]) || !char.IsAsciiLetterOrDigit(name[^1]))
        {
            return "Bucket names must begin and end with a letter or number.";
        }

        if (name.Contains("..", StringComparison.Ordinal) || name.Contains(".-", StringComparison.Ordinal) || name.Contains("-.", StringComparison.Ordinal))
        {
            return "Bucket names must not contain two adjacent periods or a period next to a hyphen.";
        }

        if (name.Count(c => c == '.') == 3 && IPAddress.TryParse(name, out _))
        {
            return "Bucket names must not be formatted as an IP address.";
        }

        if (ReservedPrefixes.Any(p => name.StartsWith(p, StringComparison.Ordinal)) || ReservedSuffixes.Any(s => name.EndsWith(s, StringComparison.Ordinal)))
        {
            return "Bucket names must not use a prefix or suffix that S3 reserves.";
        }

        return null;
    }

    public static void Validate(string name)
    {
        if (Violation(name) is { } violation)
        {
            throw new ObjectStoreException("InvalidBucketName", $"The specified bucket is not valid. {violation}", name);
        }
    }
}

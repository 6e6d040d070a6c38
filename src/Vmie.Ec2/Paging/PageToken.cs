using System.Buffers.Text;
using System.Text;
using Vmie.Ec2.Errors;

namespace Vmie.Ec2.Paging;

/// <summary>
/// Opaque NextToken values: the position after the last item returned, tagged with the listing it
/// belongs to so that a token of one call is refused by another. Results are always scoped to the
/// caller's account, so a forged position can reveal nothing.
/// </summary>
public static class PageToken
{
    private const string Version = "v1";

    public static string Encode(string listing, string position) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"{Version}\n{listing}\n{position}"));

    /// <returns>The position, or null when <paramref name="token"/> is null or empty (first page).</returns>
    public static string? Decode(string listing, string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return null;
        }

        string text;
        try
        {
            text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token));
        }
        catch (FormatException)
        {
            throw Ec2Errors.InvalidNextToken(token);
        }

        var parts = text.Split('\n', 3);
        if (parts.Length != 3 || parts[0] != Version || parts[1] != listing)
        {
            throw Ec2Errors.InvalidNextToken(token);
        }

        return parts[2];
    }

    public static long DecodeSequence(string listing, string? token)
    {
        var position = Decode(listing, token);
        if (position is null)
        {
            return 0;
        }

        return long.TryParse(position, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var sequence) && sequence > 0
            ? sequence
            : throw Ec2Errors.InvalidNextToken(token);
    }

    public static string EncodeSequence(string listing, long sequence) =>
        Encode(listing, sequence.ToString(System.Globalization.CultureInfo.InvariantCulture));
}

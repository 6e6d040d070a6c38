using System.Text;

namespace Vmie.Api.Hosting;

/// <summary>
/// The parameters of an EC2 Query request: the query string's and, for a form POST, the body's
/// name=value pairs, in order, decoded as application/x-www-form-urlencoded ('+' is a space).
/// </summary>
internal static class FormParameters
{
    public static IReadOnlyList<KeyValuePair<string, string>> Parse(string? queryString, ReadOnlySpan<byte> formBody)
    {
        var result = new List<KeyValuePair<string, string>>();
        var query = queryString ?? string.Empty;
        if (query.StartsWith('?'))
        {
            query = query[1..];
        }

        AddPairs(query, result);
        if (!formBody.IsEmpty)
        {
            AddPairs(Encoding.UTF8.GetString(formBody), result);
        }

        return result;
    }

    private static void AddPairs(string encoded, List<KeyValuePair<string, string>> result)
    {
        foreach (var piece in encoded.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = piece.IndexOf('=', StringComparison.Ordinal);
            var name = equals < 0 ? piece : piece[..equals];
            var value = equals < 0 ? string.Empty : piece[(equals + 1)..];
            result.Add(new(Decode(name), Decode(value)));
        }
    }

    private static string Decode(string component) => Uri.UnescapeDataString(component.Replace('+', ' '));
}

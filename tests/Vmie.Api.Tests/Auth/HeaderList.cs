namespace Vmie.Api.Tests.Auth;

/// <summary>Builds the header dictionary a <see cref="Vmie.Api.Auth.SigV4.SigV4Request"/> takes from
/// (name, value) lines, as they would arrive on the wire (repeated names allowed).</summary>
internal static class HeaderList
{
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> Of(params (string Name, string Value)[] lines)
    {
        var result = new Dictionary<string, List<string>>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in lines)
        {
            if (!result.TryGetValue(name, out var values))
            {
                values = [];
                result.Add(name, values);
            }

            values.Add(value);
        }

        return result.ToDictionary(p => p.Key, p => (IReadOnlyList<string>)p.Value, StringComparer.OrdinalIgnoreCase);
    }
}

namespace Vmie.Api.Auth.SigV4;

/// <summary>Request headers indexed by lower-case name, whatever the comparer of the caller's dictionary.</summary>
internal sealed class RequestHeaders
{
    private readonly Dictionary<string, List<string>> _values = new(StringComparer.Ordinal);

    public RequestHeaders(IReadOnlyDictionary<string, IReadOnlyList<string>> headers)
    {
        foreach (var (name, values) in headers)
        {
            if (values is null)
            {
                continue;
            }

            var key = name.Trim().ToLowerInvariant();
            if (!_values.TryGetValue(key, out var list))
            {
                list = [];
                _values.Add(key, list);
            }

            list.AddRange(values.Where(v => v is not null));
        }
    }

    public IEnumerable<string> Names => _values.Keys;

    public bool Contains(string lowerCaseName) => _values.TryGetValue(lowerCaseName, out var list) && list.Count > 0;

    public IReadOnlyList<string> GetAll(string lowerCaseName) =>
        _values.TryGetValue(lowerCaseName, out var list) ? list : [];

    /// <summary>The single value of a header; null when absent. <paramref name="repeated"/> is set when it
    /// came more than once.</summary>
    public string? GetSingle(string lowerCaseName, out bool repeated)
    {
        var all = GetAll(lowerCaseName);
        repeated = all.Count > 1;
        return all.Count == 0 ? null : all[0];
    }
}

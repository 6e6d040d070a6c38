using Vmie.Ec2.Contracts.Common;
using Vmie.Ec2.Errors;

namespace Vmie.Ec2.Filtering;

/// <summary>
/// The filters one Describe call understands for items of type <typeparamref name="T"/>: named fields,
/// and optionally tag:&lt;key&gt; and tag-key over the item's tags. Parsing a request's filters against it
/// rejects unknown names loudly rather than silently matching everything.
/// </summary>
public sealed class FilterSchema<T>
{
    public const int MaxFilters = 50;
    public const int MaxValuesPerFilter = 200;

    private readonly Dictionary<string, Func<T, IEnumerable<string?>>> _fields = new(StringComparer.Ordinal);
    private Func<T, IEnumerable<KeyValuePair<string, string>>>? _tags;
    private bool _tagKeyFilter;

    public FilterSchema<T> Field(string name, Func<T, string?> value)
    {
        _fields.Add(name, item => [value(item)]);
        return this;
    }

    public FilterSchema<T> Fields(string name, Func<T, IEnumerable<string?>> values)
    {
        _fields.Add(name, values);
        return this;
    }

    /// <summary>
    /// Enables tag:&lt;key&gt; (the values are matched against that tag's value) and, when
    /// <paramref name="tagKeyFilter"/>, tag-key (matched against the tag keys).
    /// </summary>
    public FilterSchema<T> WithTags(Func<T, IEnumerable<KeyValuePair<string, string>>> tags, bool tagKeyFilter = true)
    {
        _tags = tags;
        _tagKeyFilter = tagKeyFilter;
        return this;
    }

    public IReadOnlyCollection<string> Names => _fields.Keys;

    public FilterSet<T> Parse(IReadOnlyList<Filter>? filters)
    {
        var predicates = new List<Func<T, bool>>();
        if (filters is null || filters.Count == 0)
        {
            return new FilterSet<T>(predicates);
        }

        if (filters.Count > MaxFilters)
        {
            throw Ec2Errors.FilterLimitExceeded($"The request uses {filters.Count} filters; at most {MaxFilters} are allowed.");
        }

        foreach (var filter in filters)
        {
            var name = filter.Name;
            if (string.IsNullOrEmpty(name))
            {
                throw Ec2Errors.MissingParameter("Filter.N.Name");
            }

            var values = filter.Values ?? [];
            if (values.Count == 0)
            {
                throw Ec2Errors.InvalidParameterValue($"The filter '{name}' must have at least one value.");
            }

            if (values.Count > MaxValuesPerFilter)
            {
                throw Ec2Errors.FilterLimitExceeded($"The filter '{name}' has {values.Count} values; at most {MaxValuesPerFilter} are allowed.");
            }

            var patterns = values.Select(v => v ?? string.Empty).ToArray();
            predicates.Add(BuildPredicate(name, patterns));
        }

        return new FilterSet<T>(predicates);
    }

    private Func<T, bool> BuildPredicate(string name, string[] patterns)
    {
        if (_fields.TryGetValue(name, out var field))
        {
            return item => field(item).Any(value => value is not null && MatchesAny(patterns, value));
        }

        if (_tags is { } tags)
        {
            if (_tagKeyFilter && name == "tag-key")
            {
                return item => tags(item).Any(tag => MatchesAny(patterns, tag.Key));
            }

            if (name.StartsWith("tag:", StringComparison.Ordinal) && name.Length > "tag:".Length)
            {
                var key = name["tag:".Length..];
                return item => tags(item).Any(tag => string.Equals(tag.Key, key, StringComparison.Ordinal) && MatchesAny(patterns, tag.Value));
            }
        }

        throw Ec2Errors.InvalidFilter(name);
    }

    private static bool MatchesAny(string[] patterns, string value)
    {
        foreach (var pattern in patterns)
        {
            if (WildcardPattern.IsMatch(pattern, value))
            {
                return true;
            }
        }

        return false;
    }
}

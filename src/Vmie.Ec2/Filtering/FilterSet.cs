namespace Vmie.Ec2.Filtering;

/// <summary>Parsed filters of one request: an item matches when every filter matches one of its values.</summary>
public sealed class FilterSet<T>
{
    private readonly IReadOnlyList<Func<T, bool>> _predicates;

    internal FilterSet(IReadOnlyList<Func<T, bool>> predicates)
    {
        _predicates = predicates;
    }

    public bool IsEmpty => _predicates.Count == 0;

    public bool Matches(T item)
    {
        foreach (var predicate in _predicates)
        {
            if (!predicate(item))
            {
                return false;
            }
        }

        return true;
    }
}

namespace Vmie.Guest.Caching;

/// <summary>
/// The most recently used values (metadata blocks, records, tree nodes, hive chunks), bounded by a budget: a
/// count of entries, or bytes when a cost is given. Cached values are shared and must never be changed by
/// callers. Thread-safe. Every reader of guest structures keeps its metadata in one of these.
/// </summary>
internal sealed class LruCache<TKey, TValue>
    where TKey : notnull
{
    private readonly Dictionary<TKey, LinkedListNode<(TKey Key, TValue Value)>> _entries = [];
    private readonly LinkedList<(TKey Key, TValue Value)> _recency = new();
    private readonly Lock _lock = new();
    private readonly long _budget;
    private readonly Func<TValue, long> _cost;
    private long _spent;

    /// <param name="budget">The most entries kept, or with <paramref name="cost"/> the most total cost (bytes).</param>
    /// <param name="cost">The cost of one value (e.g. its length in bytes); null counts entries.</param>
    public LruCache(long budget, Func<TValue, long>? cost = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(budget);
        _budget = budget;
        _cost = cost ?? (_ => 1);
    }

    public bool TryGet(TKey key, out TValue value)
    {
        lock (_lock)
        {
            if (_entries.TryGetValue(key, out var node))
            {
                _recency.Remove(node);
                _recency.AddFirst(node);
                value = node.Value.Value;
                return true;
            }
        }

        value = default!;
        return false;
    }

    /// <summary>Keeps <paramref name="value"/> (unless the key is already cached), dropping the least recently used beyond the budget.</summary>
    public void Add(TKey key, TValue value)
    {
        lock (_lock)
        {
            if (_entries.ContainsKey(key))
            {
                return;
            }

            _entries[key] = _recency.AddFirst((key, value));
            _spent += _cost(value);
            while (_spent > _budget && _recency.Count > 1)
            {
                var oldest = _recency.Last!;
                _recency.RemoveLast();
                _entries.Remove(oldest.Value.Key);
                _spent -= _cost(oldest.Value.Value);
            }
        }
    }

    public void Clear()
    {
        lock (_lock)
        {
            _entries.Clear();
            _recency.Clear();
            _spent = 0;
        }
    }
}

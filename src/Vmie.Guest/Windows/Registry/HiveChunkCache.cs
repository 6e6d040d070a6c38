namespace Vmie.Guest.Windows.Registry;

/// <summary>
/// The most recently read chunks of a hive, bounded by count, so that walking keys of a SOFTWARE hive of
/// ~100 MiB touches the source once per chunk and keeps only a few MiB in memory. Cached arrays are
/// shared: callers never write to them. Thread-safe.
/// </summary>
internal sealed class HiveChunkCache(int capacity)
{
    private readonly Dictionary<long, LinkedListNode<(long Index, byte[] Data)>> _entries = [];
    private readonly LinkedList<(long Index, byte[] Data)> _recency = new();
    private readonly Lock _lock = new();

    public bool TryGet(long index, out byte[] data)
    {
        lock (_lock)
        {
            if (_entries.TryGetValue(index, out var node))
            {
                _recency.Remove(node);
                _recency.AddFirst(node);
                data = node.Value.Data;
                return true;
            }
        }

        data = [];
        return false;
    }

    public void Add(long index, byte[] data)
    {
        lock (_lock)
        {
            if (_entries.ContainsKey(index))
            {
                return;
            }

            if (_entries.Count >= capacity)
            {
                var oldest = _recency.Last!;
                _recency.RemoveLast();
                _entries.Remove(oldest.Value.Index);
            }

            _entries[index] = _recency.AddFirst((index, data));
        }
    }
}

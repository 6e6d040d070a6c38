namespace Vmie.Guest.FileSystems.Xfs;

/// <summary>
/// The most recently used metadata buffers (inode blocks, B+tree blocks, directory blocks) keyed by their
/// byte offset and length, bounded by a byte budget. Cached arrays are shared: callers never write to them.
/// Thread-safe.
/// </summary>
internal sealed class XfsMetadataCache(long budgetBytes)
{
    private readonly Dictionary<(long Offset, int Length), LinkedListNode<((long Offset, int Length) Key, byte[] Data)>> _entries = [];
    private readonly LinkedList<((long Offset, int Length) Key, byte[] Data)> _recency = new();
    private readonly Lock _lock = new();
    private long _bytes;

    public bool TryGet(long offset, int length, out byte[] data)
    {
        lock (_lock)
        {
            if (_entries.TryGetValue((offset, length), out var node))
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

    public void Add(long offset, byte[] data)
    {
        lock (_lock)
        {
            var key = (offset, data.Length);
            if (_entries.ContainsKey(key))
            {
                return;
            }

            while (_bytes + data.Length > budgetBytes && _recency.Last is { } oldest)
            {
                _recency.RemoveLast();
                _entries.Remove(oldest.Value.Key);
                _bytes -= oldest.Value.Data.Length;
            }

            _entries[key] = _recency.AddFirst((key, data));
            _bytes += data.Length;
        }
    }

    public void Clear()
    {
        lock (_lock)
        {
            _entries.Clear();
            _recency.Clear();
            _bytes = 0;
        }
    }
}

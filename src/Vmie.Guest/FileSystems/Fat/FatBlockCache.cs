namespace Vmie.Guest.FileSystems.Fat;

/// <summary>
/// The most recently used pieces of the FAT and of directories, keyed by byte offset and bounded by a byte
/// budget. Cached arrays are shared: callers must never write to them. Thread-safe.
/// </summary>
internal sealed class FatBlockCache(long budgetBytes)
{
    private readonly Dictionary<long, LinkedListNode<(long Offset, byte[] Data)>> _entries = [];
    private readonly LinkedList<(long Offset, byte[] Data)> _recency = new();
    private readonly Lock _lock = new();
    private long _bytes;

    public bool TryGet(long offset, out byte[] data)
    {
        lock (_lock)
        {
            if (_entries.TryGetValue(offset, out var node))
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
            if (_entries.ContainsKey(offset))
            {
                return;
            }

            while (_bytes + data.Length > budgetBytes && _recency.Last is { } oldest)
            {
                _recency.RemoveLast();
                _entries.Remove(oldest.Value.Offset);
                _bytes -= oldest.Value.Data.Length;
            }

            _entries[offset] = _recency.AddFirst((offset, data));
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

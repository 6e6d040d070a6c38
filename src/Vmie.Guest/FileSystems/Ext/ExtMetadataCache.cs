namespace Vmie.Guest.FileSystems.Ext;

/// <summary>
/// The most recently used metadata blocks (descriptors, inode tables, tree nodes, directories), bounded by
/// a byte budget. Cached arrays are shared: callers must never write to them. Thread-safe.
/// </summary>
internal sealed class ExtMetadataCache(int blockSize, long budgetBytes)
{
    private readonly int _capacity = (int)Math.Max(16, budgetBytes / blockSize);
    private readonly Dictionary<ulong, LinkedListNode<(ulong Block, byte[] Data)>> _entries = [];
    private readonly LinkedList<(ulong Block, byte[] Data)> _recency = new();
    private readonly Lock _lock = new();

    public bool TryGet(ulong block, out byte[] data)
    {
        lock (_lock)
        {
            if (_entries.TryGetValue(block, out var node))
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

    public void Add(ulong block, byte[] data)
    {
        lock (_lock)
        {
            if (_entries.ContainsKey(block))
            {
                return;
            }

            if (_entries.Count >= _capacity)
            {
                var oldest = _recency.Last!;
                _recency.RemoveLast();
                _entries.Remove(oldest.Value.Block);
            }

            _entries[block] = _recency.AddFirst((block, data));
        }
    }

    public void Clear()
    {
        lock (_lock)
        {
            _entries.Clear();
            _recency.Clear();
        }
    }
}

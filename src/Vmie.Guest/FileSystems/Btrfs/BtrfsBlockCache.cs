namespace Vmie.Guest.FileSystems.Btrfs;

/// <summary>
/// The most recently used checked tree blocks, bounded by count (a byte budget divided by the node size).
/// Cached blocks are shared and never written to. Thread-safe.
/// </summary>
internal sealed class BtrfsBlockCache(int capacity)
{
    private readonly Dictionary<ulong, LinkedListNode<BtrfsTreeBlock>> _entries = [];
    private readonly LinkedList<BtrfsTreeBlock> _recency = new();
    private readonly Lock _lock = new();

    public bool TryGet(ulong logical, out BtrfsTreeBlock? block)
    {
        lock (_lock)
        {
            if (_entries.TryGetValue(logical, out var node))
            {
                _recency.Remove(node);
                _recency.AddFirst(node);
                block = node.Value;
                return true;
            }
        }

        block = null;
        return false;
    }

    public void Add(BtrfsTreeBlock block)
    {
        lock (_lock)
        {
            if (_entries.ContainsKey(block.Logical))
            {
                return;
            }

            if (_entries.Count >= capacity)
            {
                var oldest = _recency.Last!;
                _recency.RemoveLast();
                _entries.Remove(oldest.Value.Logical);
            }

            _entries[block.Logical] = _recency.AddFirst(block);
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

namespace Vmie.Storage.Snapshots;

/// <summary>
/// The few most recently used blocks of an open snapshot, for reads smaller than a block (a guest
/// file system reads 4 KiB at a time). Keyed by content hash, so blocks repeated in a disk share one
/// entry. Thread-safe; the entries are never modified once added.
/// </summary>
internal sealed class BlockCache
{
    private readonly int _capacity;
    private readonly LinkedList<(BlockHash Hash, byte[] Data)> _entries = new();
    private readonly Lock _lock = new();

    public BlockCache(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        _capacity = capacity;
    }

    public byte[]? Find(BlockHash hash)
    {
        lock (_lock)
        {
            for (var node = _entries.First; node is not null; node = node.Next)
            {
                if (node.Value.Hash == hash)
                {
                    _entries.Remove(node);
                    _entries.AddFirst(node);
                    return node.Value.Data;
                }
            }

            return null;
        }
    }

    public void Add(BlockHash hash, byte[] data)
    {
        lock (_lock)
        {
            for (var node = _entries.First; node is not null; node = node.Next)
            {
                if (node.Value.Hash == hash)
                {
                    return;
                }
            }

            _entries.AddFirst((hash, data));
            if (_entries.Count > _capacity)
            {
                _entries.RemoveLast();
            }
        }
    }

    public void Clear()
    {
        lock (_lock)
        {
            _entries.Clear();
        }
    }
}

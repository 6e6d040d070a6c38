namespace Vmie.Guest.FileSystems.Btrfs;

/// <summary>
/// The last few decompressed extents, by disk address: a file read in small pieces decompresses each extent
/// once. At most <see cref="Capacity"/> extents of at most 128 KiB each. Thread-safe.
/// </summary>
internal sealed class BtrfsExtentCache
{
    private const int Capacity = 16;

    private readonly LinkedList<(ulong DiskBytenr, byte[] Data)> _recent = new();
    private readonly Lock _lock = new();

    public byte[]? Get(ulong diskBytenr)
    {
        lock (_lock)
        {
            for (var node = _recent.First; node is not null; node = node.Next)
            {
                if (node.Value.DiskBytenr == diskBytenr)
                {
                    _recent.Remove(node);
                    _recent.AddFirst(node);
                    return node.Value.Data;
                }
            }
        }

        return null;
    }

    public void Add(ulong diskBytenr, byte[] data)
    {
        lock (_lock)
        {
            _recent.AddFirst((diskBytenr, data));
            if (_recent.Count > Capacity)
            {
                _recent.RemoveLast();
            }
        }
    }

    public void Clear()
    {
        lock (_lock)
        {
            _recent.Clear();
        }
    }
}

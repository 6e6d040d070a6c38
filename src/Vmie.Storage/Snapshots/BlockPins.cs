using System.Diagnostics;

namespace Vmie.Storage.Snapshots;

/// <summary>
/// Blocks that writers of this process have stored or found on disk but not yet recorded in the
/// database. Garbage collection holds <see cref="Gate"/> while it decides to delete a block file and
/// skips pinned blocks, so a writer that reuses an existing file can never lose it to a concurrent
/// delete of the snapshot that used to own it.
/// </summary>
internal sealed class BlockPins
{
    private readonly Dictionary<BlockHash, int> _counts = [];

    public Lock Gate { get; } = new();

    public void Pin(BlockHash hash)
    {
        lock (Gate)
        {
            _counts[hash] = _counts.GetValueOrDefault(hash) + 1;
        }
    }

    public void Unpin(BlockHash hash)
    {
        lock (Gate)
        {
            Release(hash);
        }
    }

    public void Unpin<T>(IReadOnlyList<T> items, Func<T, BlockHash> hashOf)
    {
        lock (Gate)
        {
            foreach (var item in items)
            {
                Release(hashOf(item));
            }
        }
    }

    /// <summary>Only while holding <see cref="Gate"/>.</summary>
    public bool IsPinned(BlockHash hash)
    {
        Debug.Assert(Gate.IsHeldByCurrentThread);
        return _counts.ContainsKey(hash);
    }

    private void Release(BlockHash hash)
    {
        var count = _counts.GetValueOrDefault(hash);
        if (count <= 0)
        {
            throw new InvalidOperationException($"Block {hash} was unpinned more often than pinned.");
        }

        if (count == 1)
        {
            _counts.Remove(hash);
        }
        else
        {
            _counts[hash] = count - 1;
        }
    }
}

using System.Runtime.CompilerServices;

namespace Vmie.Guest.FileSystems.Btrfs;

/// <summary>
/// Key searches in one B-tree (Btrfs on-disk format, "Tree blocks"). A child must start with the key its parent
/// gives it and end before the parent's next key, and levels must fall by one at each step: a block reached twice
/// (a loop, a shared child, keys out of order across blocks) is therefore refused, and every walk ends.
/// </summary>
internal static class BtrfsTreeSearch
{
    /// <summary>The items with <paramref name="from"/> &lt;= key &lt;= <paramref name="to"/>, in key order.</summary>
    public static IAsyncEnumerable<BtrfsItem> RangeAsync(BtrfsVolume volume, BtrfsTreeRoot root, BtrfsKey from, BtrfsKey to, CancellationToken cancellationToken) =>
        VisitAsync(volume, root.Bytenr, root.Level, root.Generation, null, null, from, to, cancellationToken);

    /// <summary>The item with exactly <paramref name="key"/>, or null.</summary>
    public static async ValueTask<BtrfsItem?> FindAsync(BtrfsVolume volume, BtrfsTreeRoot root, BtrfsKey key, CancellationToken cancellationToken)
    {
        await foreach (var item in RangeAsync(volume, root, key, key, cancellationToken).ConfigureAwait(false))
        {
            return item;
        }

        return null;
    }

    /// <summary>The last item whose key is at most <paramref name="key"/>, or null when every key is larger.</summary>
    public static async ValueTask<BtrfsItem?> FindLastAtOrBeforeAsync(BtrfsVolume volume, BtrfsTreeRoot root, BtrfsKey key, CancellationToken cancellationToken)
    {
        var block = await volume.ReadTreeBlockAsync(root.Bytenr, root.Level, root.Generation, cancellationToken).ConfigureAwait(false);
        BtrfsKey? low = null;
        BtrfsKey? high = null;
        while (true)
        {
            CheckBounds(block, low, high);
            var index = LastAtOrBefore(block, key);
            if (index < 0)
            {
                return null;
            }

            if (block.IsLeaf)
            {
                return new BtrfsItem(block.KeyAt(index), block.ItemData(index));
            }

            low = block.KeyAt(index);
            high = index + 1 < block.Count ? block.KeyAt(index + 1) : high;
            var (bytenr, generation) = block.ChildAt(index);
            block = await volume.ReadTreeBlockAsync(bytenr, block.Level - 1, generation, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async IAsyncEnumerable<BtrfsItem> VisitAsync(
        BtrfsVolume volume, ulong bytenr, int level, ulong generation, BtrfsKey? low, BtrfsKey? high, BtrfsKey from, BtrfsKey to, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var block = await volume.ReadTreeBlockAsync(bytenr, level, generation, cancellationToken).ConfigureAwait(false);
        CheckBounds(block, low, high);
        if (block.IsLeaf)
        {
            for (var i = 0; i < block.Count; i++)
            {
                var key = block.KeyAt(i);
                if (key > to)
                {
                    yield break;
                }

                if (key >= from)
                {
                    yield return new BtrfsItem(key, block.ItemData(i));
                }
            }

            yield break;
        }

        for (var i = Math.Max(0, LastAtOrBefore(block, from)); i < block.Count && block.KeyAt(i) <= to; i++)
        {
            var (child, childGeneration) = block.ChildAt(i);
            var childHigh = i + 1 < block.Count ? block.KeyAt(i + 1) : high;
            await foreach (var item in VisitAsync(volume, child, level - 1, childGeneration, block.KeyAt(i), childHigh, from, to, cancellationToken).ConfigureAwait(false))
            {
                yield return item;
            }
        }
    }

    private static void CheckBounds(BtrfsTreeBlock block, BtrfsKey? low, BtrfsKey? high)
    {
        if (low is null)
        {
            return;
        }

        if (block.Count == 0)
        {
            throw new CorruptFileSystemException($"Btrfs tree block at {block.Logical} is empty but is not a tree's root.");
        }

        if (block.KeyAt(0) != low.Value || (high is { } limit && block.KeyAt(block.Count - 1) >= limit))
        {
            throw new CorruptFileSystemException($"Btrfs tree block at {block.Logical}: its keys {block.KeyAt(0)}..{block.KeyAt(block.Count - 1)} do not match the range its parent gives it (from {low.Value}).");
        }
    }

    private static int LastAtOrBefore(BtrfsTreeBlock block, BtrfsKey key)
    {
        int low = 0, high = block.Count - 1, found = -1;
        while (low <= high)
        {
            var middle = (low + high) >>> 1;
            if (block.KeyAt(middle) <= key)
            {
                found = middle;
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }

        return found;
    }
}

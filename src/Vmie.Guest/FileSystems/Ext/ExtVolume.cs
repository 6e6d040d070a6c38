using Vmie.Disks.Abstractions;
using Vmie.Guest.Caching;

namespace Vmie.Guest.FileSystems.Ext;

/// <summary>
/// Block-addressed reads of an ext volume: metadata blocks through a bounded cache, file data in large
/// uncached runs. Every block number is checked against the file system's block count first.
/// </summary>
internal sealed class ExtVolume(IBlockSource source, ExtSuperblock superblock)
{
    private const long CacheBudgetBytes = 16L << 20;

    private readonly LruCache<ulong, byte[]> _cache = new(CacheBudgetBytes, data => data.Length);

    public ExtSuperblock Superblock => superblock;

    public int BlockSize => superblock.BlockSize;

    public void CheckRange(ulong block, ulong count, string what)
    {
        if (block == 0 || block >= superblock.BlocksCount || count > superblock.BlocksCount - block)
        {
            throw new CorruptFileSystemException($"ext {what}: blocks [{block}, +{count}) lie outside the file system's {superblock.BlocksCount} blocks.");
        }
    }

    /// <summary>One metadata block, cached. The array is shared: never write to it.</summary>
    public async ValueTask<byte[]> ReadBlockAsync(ulong block, string what, CancellationToken cancellationToken)
    {
        if (_cache.TryGet(block, out var cached))
        {
            return cached;
        }

        CheckRange(block, 1, what);
        var data = new byte[BlockSize];
        await ReadExactAsync((long)block * BlockSize, data, cancellationToken).ConfigureAwait(false);
        _cache.Add(block, data);
        return data;
    }

    /// <summary>File data: <paramref name="buffer"/>.Length bytes from <paramref name="offsetInBlock"/> of <paramref name="block"/>, uncached.</summary>
    public ValueTask ReadDataAsync(ulong block, int offsetInBlock, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var blocks = ((ulong)offsetInBlock + (ulong)buffer.Length + (ulong)BlockSize - 1) / (ulong)BlockSize;
        CheckRange(block, blocks, "file data");
        return ReadExactAsync(((long)block * BlockSize) + offsetInBlock, buffer, cancellationToken);
    }

    public void ClearCache() => _cache.Clear();

    private async ValueTask ReadExactAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var filled = 0;
        while (filled < buffer.Length)
        {
            var read = await source.ReadAtAsync(offset + filled, buffer[filled..], cancellationToken).ConfigureAwait(false);
            if (read <= 0)
            {
                throw new CorruptFileSystemException($"ext volume ends at byte {offset + filled}, inside the file system.");
            }

            filled += read;
        }
    }
}

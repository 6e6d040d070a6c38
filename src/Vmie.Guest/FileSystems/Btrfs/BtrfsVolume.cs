using Vmie.Disks.Abstractions;
using Vmie.Guest.Caching;

namespace Vmie.Guest.FileSystems.Btrfs;

/// <summary>
/// Reads of a single-device Btrfs volume by logical address: through the chunk map, every device range checked
/// against the volume, tree blocks checked and cached within a fixed budget, file data uncached.
/// </summary>
internal sealed class BtrfsVolume
{
    private const long CacheBudgetBytes = 16L << 20;

    private readonly IBlockSource _source;
    private readonly LruCache<ulong, BtrfsTreeBlock> _cache;

    public BtrfsVolume(IBlockSource source, BtrfsSuperblock superblock, BtrfsChunkMap chunks)
    {
        _source = source;
        Superblock = superblock;
        Chunks = chunks;
        _cache = new LruCache<ulong, BtrfsTreeBlock>(Math.Max(16, CacheBudgetBytes / superblock.NodeSize));
    }

    public BtrfsSuperblock Superblock { get; }

    /// <summary>Starts as the system chunk array's map; replaced once by the chunk tree's, before any other read.</summary>
    public BtrfsChunkMap Chunks { get; set; }

    public long Length => _source.Length;

    /// <summary>
    /// The tree block at <paramref name="logical"/>, checked; when reached from a parent, its level and generation
    /// must be those the parent names.
    /// </summary>
    public async ValueTask<BtrfsTreeBlock> ReadTreeBlockAsync(ulong logical, int level, ulong generation, CancellationToken cancellationToken)
    {
        if (!_cache.TryGet(logical, out var block))
        {
            var nodeSize = Superblock.NodeSize;
            if (logical % Superblock.SectorSize != 0)
            {
                throw new CorruptFileSystemException($"Btrfs tree block address {logical} is not sector-aligned.");
            }

            var (_, contiguous) = Chunks.Map(logical, "tree block");
            if (contiguous < nodeSize)
            {
                throw new CorruptFileSystemException($"Btrfs tree block at {logical} crosses the end of its chunk.");
            }

            var data = new byte[nodeSize];
            await ReadLogicalAsync(logical, data, "tree block", cancellationToken).ConfigureAwait(false);
            block = BtrfsTreeBlock.Parse(data, logical, Superblock);
            _cache.Add(logical, block);
        }

        if (block!.Level != level)
        {
            throw new CorruptFileSystemException($"Btrfs tree block at {logical} has level {block.Level} where level {level} was expected (a loop or a misplaced block).");
        }

        if (block.Generation != generation)
        {
            throw new CorruptFileSystemException($"Btrfs tree block at {logical} has generation {block.Generation} where its parent expects {generation}.");
        }

        return block;
    }

    /// <summary>Fills <paramref name="buffer"/> from logical address <paramref name="logical"/>, across chunks as needed.</summary>
    public async ValueTask ReadLogicalAsync(ulong logical, Memory<byte> buffer, string what, CancellationToken cancellationToken)
    {
        var done = 0;
        while (done < buffer.Length)
        {
            var address = logical + (ulong)done;
            if (address < logical)
            {
                throw new CorruptFileSystemException($"Btrfs {what}: logical address overflows.");
            }

            var (physical, contiguous) = Chunks.Map(address, what);
            var chunk = (int)Math.Min((ulong)(buffer.Length - done), contiguous);
            await ReadPhysicalAsync(physical, buffer.Slice(done, chunk), what, cancellationToken).ConfigureAwait(false);
            done += chunk;
        }
    }

    public async ValueTask ReadPhysicalAsync(long offset, Memory<byte> buffer, string what, CancellationToken cancellationToken)
    {
        if (offset < 0 || offset > _source.Length - buffer.Length)
        {
            throw new CorruptFileSystemException($"Btrfs {what}: device bytes [{offset}, +{buffer.Length}) lie outside the {_source.Length}-byte volume (truncated?).");
        }

        var filled = 0;
        while (filled < buffer.Length)
        {
            var read = await _source.ReadAtAsync(offset + filled, buffer[filled..], cancellationToken).ConfigureAwait(false);
            if (read <= 0)
            {
                throw new CorruptFileSystemException($"Btrfs volume ends at byte {offset + filled}, inside {what}.");
            }

            filled += read;
        }
    }

    public void ClearCache() => _cache.Clear();
}

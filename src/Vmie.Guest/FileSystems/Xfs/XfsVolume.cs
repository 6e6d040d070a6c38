using Vmie.Disks.Abstractions;
using Vmie.Guest.Caching;

namespace Vmie.Guest.FileSystems.Xfs;

/// <summary>
/// Address arithmetic and reads of an XFS data device. File system block numbers are (AG number, AG block)
/// pairs packed with sb_agblklog bits for the AG block; they become byte offsets as
/// (agno × sb_agblocks + agbno) × blocksize (XFS Algorithms and Data Structures, "Sharing Data Blocks" /
/// "Data Extents"). Metadata goes through a bounded cache, file data is read uncached in large runs.
/// </summary>
internal sealed class XfsVolume(IBlockSource source, XfsSuperblock superblock)
{
    private const long CacheBudgetBytes = 16L << 20;

    private readonly LruCache<(long Offset, int Length), byte[]> _cache = new(CacheBudgetBytes, data => data.Length);

    public XfsSuperblock Superblock => superblock;

    public int BlockSize => superblock.BlockSize;

    /// <summary>The linear block index of file system block <paramref name="fsBlock"/>, after checking that <paramref name="count"/> blocks from it stay in one AG and in the volume.</summary>
    public ulong Linear(ulong fsBlock, ulong count, string what)
    {
        var agNumber = fsBlock >> superblock.AgBlockLog;
        var agBlock = fsBlock & ((1UL << superblock.AgBlockLog) - 1);
        if (agNumber >= superblock.AgCount || agBlock >= superblock.AgBlocks || count > superblock.AgBlocks - agBlock)
        {
            throw new CorruptFileSystemException($"XFS {what}: blocks [{agNumber}/{agBlock}, +{count}) lie outside the allocation groups.");
        }

        var linear = (agNumber * superblock.AgBlocks) + agBlock;
        if (linear + count > superblock.DataBlocks)
        {
            throw new CorruptFileSystemException($"XFS {what}: blocks [{linear}, +{count}) lie beyond the file system's {superblock.DataBlocks} blocks.");
        }

        return linear;
    }

    /// <summary>The byte offset of inode <paramref name="inode"/>.</summary>
    public long InodeOffset(ulong inode)
    {
        if (!superblock.IsValidInode(inode))
        {
            throw new CorruptFileSystemException($"XFS inode number {inode} lies outside the file system.");
        }

        var agNumber = inode >> (superblock.AgBlockLog + superblock.InodesPerBlockLog);
        var agBlock = (inode >> superblock.InodesPerBlockLog) & ((1UL << superblock.AgBlockLog) - 1);
        var slot = (long)(inode & ((1UL << superblock.InodesPerBlockLog) - 1));
        return ((long)((agNumber * superblock.AgBlocks) + agBlock) * BlockSize) + (slot * superblock.InodeSize);
    }

    /// <summary>One file system block of metadata, cached. The array is shared: never write to it.</summary>
    public ValueTask<byte[]> ReadBlockAsync(ulong fsBlock, string what, CancellationToken cancellationToken) =>
        ReadMetadataAsync((long)Linear(fsBlock, 1, what) * BlockSize, BlockSize, cancellationToken);

    /// <summary>Metadata bytes at a byte offset already checked by the caller, cached. The array is shared: never write to it.</summary>
    public async ValueTask<byte[]> ReadMetadataAsync(long offset, int length, CancellationToken cancellationToken)
    {
        if (_cache.TryGet((offset, length), out var cached))
        {
            return cached;
        }

        var data = new byte[length];
        await ReadExactAsync(offset, data, cancellationToken).ConfigureAwait(false);
        _cache.Add((offset, data.Length), data);
        return data;
    }

    /// <summary>File data: <paramref name="buffer"/>.Length bytes from <paramref name="offsetInBlock"/> of <paramref name="fsBlock"/>, uncached; the run must stay inside one extent.</summary>
    public ValueTask ReadDataAsync(ulong fsBlock, long offsetInBlock, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var blocks = ((ulong)offsetInBlock + (ulong)buffer.Length + (ulong)BlockSize - 1) / (ulong)BlockSize;
        var linear = Linear(fsBlock, blocks, "file data");
        return ReadExactAsync(((long)linear * BlockSize) + offsetInBlock, buffer, cancellationToken);
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
                throw new CorruptFileSystemException($"The XFS volume ends at byte {offset + filled}, inside the file system: it is truncated.");
            }

            filled += read;
        }
    }
}

using System.Buffers.Binary;
using Vmie.Disks.Abstractions;
using Vmie.Guest.Caching;

namespace Vmie.Guest.FileSystems.Fat;

/// <summary>
/// Reads of a FAT volume: FAT entries (Microsoft FAT specification §4: 12-bit packed, 16-bit, or 32-bit of
/// which the low 28 bits count) and directory clusters through a bounded cache, file data in large
/// uncached runs. Every cluster number is checked against the cluster count before use.
/// </summary>
internal sealed class FatVolume(IBlockSource source, FatBootSector boot)
{
    private const long CacheBudgetBytes = 8L << 20;
    private const int FatChunkBytes = 64 << 10;

    private readonly LruCache<long, byte[]> _cache = new(CacheBudgetBytes, data => data.Length);

    public FatBootSector Boot => boot;

    /// <summary>The FAT entry of <paramref name="cluster"/>, classified.</summary>
    public async ValueTask<FatEntry> NextAsync(uint cluster, CancellationToken cancellationToken)
    {
        if (!boot.IsDataCluster(cluster))
        {
            throw new CorruptFileSystemException($"FAT: cluster {cluster} outside clusters 2..{boot.ClusterCount + 1}.");
        }

        uint value;
        uint endOfChain;
        uint bad;
        switch (boot.Type)
        {
            case FatType.Fat12:
                {
                    // Two entries share three bytes: an even cluster takes the low 12 bits, an odd one the high 12.
                    var offset = cluster + (cluster / 2);
                    var low = await FatByteAsync(offset, cancellationToken).ConfigureAwait(false);
                    var high = await FatByteAsync(offset + 1, cancellationToken).ConfigureAwait(false);
                    var pair = (uint)(low | (high << 8));
                    value = (cluster & 1) == 0 ? pair & 0xFFF : pair >> 4;
                    endOfChain = 0xFF8;
                    bad = 0xFF7;
                    break;
                }

            case FatType.Fat16:
                {
                    var chunk = await FatChunkAsync(cluster * 2L, cancellationToken).ConfigureAwait(false);
                    value = BinaryPrimitives.ReadUInt16LittleEndian(chunk.Data.AsSpan(chunk.Index));
                    endOfChain = 0xFFF8;
                    bad = 0xFFF7;
                    break;
                }

            default:
                {
                    var chunk = await FatChunkAsync(cluster * 4L, cancellationToken).ConfigureAwait(false);
                    value = BinaryPrimitives.ReadUInt32LittleEndian(chunk.Data.AsSpan(chunk.Index)) & 0x0FFFFFFF;
                    endOfChain = 0x0FFFFFF8;
                    bad = 0x0FFFFFF7;
                    break;
                }
        }

        if (value >= endOfChain)
        {
            return FatEntry.EndOfChain;
        }

        if (value == bad)
        {
            throw new CorruptFileSystemException($"FAT: cluster {cluster} is in a chain but marked bad.");
        }

        if (value == 0)
        {
            throw new CorruptFileSystemException($"FAT: cluster {cluster} is in a chain but marked free.");
        }

        if (!boot.IsDataCluster(value))
        {
            throw new CorruptFileSystemException($"FAT: cluster {cluster} links to cluster {value}, outside clusters 2..{boot.ClusterCount + 1}.");
        }

        return new FatEntry(value);
    }

    /// <summary>One directory cluster (or a piece of the fixed root region), cached. Never write to it.</summary>
    public async ValueTask<byte[]> ReadMetadataAsync(long offset, int length, CancellationToken cancellationToken)
    {
        if (_cache.TryGet(offset, out var cached) && cached.Length == length)
        {
            return cached;
        }

        var data = new byte[length];
        await ReadExactAsync(offset, data, cancellationToken).ConfigureAwait(false);
        _cache.Add(offset, data);
        return data;
    }

    /// <summary>File data from contiguous clusters starting at <paramref name="cluster"/>, uncached.</summary>
    public ValueTask ReadDataAsync(uint cluster, int offsetInCluster, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var clusters = ((long)offsetInCluster + buffer.Length + boot.ClusterSize - 1) / boot.ClusterSize;
        if (!boot.IsDataCluster(cluster) || clusters > boot.ClusterCount - (cluster - 2))
        {
            throw new CorruptFileSystemException($"FAT: clusters [{cluster}, +{clusters}) lie outside clusters 2..{boot.ClusterCount + 1}.");
        }

        return ReadExactAsync(boot.ClusterOffset(cluster) + offsetInCluster, buffer, cancellationToken);
    }

    public void ClearCache() => _cache.Clear();

    private async ValueTask<byte> FatByteAsync(long offsetInFat, CancellationToken cancellationToken)
    {
        var chunk = await FatChunkAsync(offsetInFat, cancellationToken).ConfigureAwait(false);
        return chunk.Data[chunk.Index];
    }

    private async ValueTask<(byte[] Data, int Index)> FatChunkAsync(long offsetInFat, CancellationToken cancellationToken)
    {
        var start = offsetInFat / FatChunkBytes * FatChunkBytes;
        var length = (int)Math.Min(FatChunkBytes, boot.FatBytes - start);
        var data = await ReadMetadataAsync(boot.FatOffset + start, length, cancellationToken).ConfigureAwait(false);
        return (data, (int)(offsetInFat - start));
    }

    private async ValueTask ReadExactAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        if (offset < 0 || offset > source.Length - buffer.Length)
        {
            throw new CorruptFileSystemException($"FAT: bytes [{offset}, +{buffer.Length}) lie past the end of the {source.Length}-byte volume.");
        }

        var filled = 0;
        while (filled < buffer.Length)
        {
            var read = await source.ReadAtAsync(offset + filled, buffer[filled..], cancellationToken).ConfigureAwait(false);
            if (read <= 0)
            {
                throw new CorruptFileSystemException($"FAT volume ends at byte {offset + filled}, inside the file system.");
            }

            filled += read;
        }
    }
}

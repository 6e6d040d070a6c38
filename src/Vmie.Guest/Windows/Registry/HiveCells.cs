using System.Buffers.Binary;
using Vmie.Disks.Abstractions;
using Vmie.Guest.Caching;

namespace Vmie.Guest.Windows.Registry;

/// <summary>
/// Cells read on demand (Windows registry file format, "Hive bins" and "Cells"): a cell is a signed 32-bit
/// size (negative when allocated, always a multiple of 8, the size field included) followed by its data.
/// Cell offsets are relative to the first hive bin at file byte 4096; every offset and size is checked
/// against the hive bins data size before anything is read or allocated. Reads go through a bounded cache
/// of fixed chunks, so a 100 MiB SOFTWARE hive costs a few MiB of memory at most. Thread-safe.
/// </summary>
internal sealed class HiveCells
{
    /// <summary>Offset that means "no cell" in key and value fields.</summary>
    public const uint NoCell = 0xFFFFFFFF;

    private const int ChunkSize = 16 << 10;
    private const int CachedChunks = 256;

    private readonly IBlockSource _source;
    private readonly LruCache<long, byte[]> _cache = new(CachedChunks);

    public HiveCells(IBlockSource source, uint binsSize)
    {
        _source = source;
        BinsSize = binsSize;
    }

    public uint BinsSize { get; }

    /// <summary>The data of the allocated cell at <paramref name="offset"/> (without its size field).</summary>
    /// <param name="what">What the cell should hold, for error messages ("key node", "value list").</param>
    public async ValueTask<byte[]> ReadCellAsync(uint offset, string what, CancellationToken cancellationToken)
    {
        if (offset == NoCell || offset % 8 != 0 || (long)offset + 8 > BinsSize)
        {
            throw new CorruptHiveException($"The {what} cell offset 0x{offset:x} is unaligned or lies outside the {BinsSize} bytes of hive bins.");
        }

        var header = await ReadAsync(offset, 4, cancellationToken).ConfigureAwait(false);
        var raw = BinaryPrimitives.ReadInt32LittleEndian(header);
        if (raw >= 0)
        {
            throw new CorruptHiveException($"The {what} cell at 0x{offset:x} is free (size {raw}), not allocated.");
        }

        // Negating int.MinValue overflows; such a size is far beyond the cap anyway.
        var size = raw == int.MinValue ? long.MaxValue : -(long)raw;
        if (size < 8 || size % 8 != 0 || size > HiveLimits.MaxCellBytes || offset + size > BinsSize)
        {
            throw new CorruptHiveException($"The {what} cell at 0x{offset:x} has size {size}, which is not a multiple of 8 fitting in the hive bins (cap {HiveLimits.MaxCellBytes}).");
        }

        return await ReadAsync(offset + 4, (int)size - 4, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads <paramref name="length"/> bytes at a hive bins offset, through the chunk cache.</summary>
    public async ValueTask<byte[]> ReadAsync(long binsOffset, int length, CancellationToken cancellationToken)
    {
        if (binsOffset < 0 || length < 0 || binsOffset + length > BinsSize)
        {
            throw new CorruptHiveException($"A read of {length} bytes at 0x{binsOffset:x} lies outside the {BinsSize} bytes of hive bins.");
        }

        var result = new byte[length];
        var fileOffset = HiveBaseBlock.Size + binsOffset;
        var filled = 0;
        while (filled < length)
        {
            var position = fileOffset + filled;
            var chunk = await ChunkAsync(position / ChunkSize, cancellationToken).ConfigureAwait(false);
            var within = (int)(position % ChunkSize);
            var count = Math.Min(length - filled, chunk.Length - within);
            if (count <= 0)
            {
                throw new CorruptHiveException($"The hive ends before byte {position}, inside its declared hive bins.");
            }

            chunk.AsSpan(within, count).CopyTo(result.AsSpan(filled));
            filled += count;
        }

        return result;
    }

    private async ValueTask<byte[]> ChunkAsync(long index, CancellationToken cancellationToken)
    {
        if (_cache.TryGet(index, out var cached))
        {
            return cached;
        }

        var start = index * ChunkSize;
        var end = Math.Min(start + ChunkSize, HiveBaseBlock.Size + (long)BinsSize);
        var data = new byte[end - start];
        var filled = 0;
        while (filled < data.Length)
        {
            var read = await _source.ReadAtAsync(start + filled, data.AsMemory(filled), cancellationToken).ConfigureAwait(false);
            if (read <= 0)
            {
                throw new CorruptHiveException($"The hive is truncated: it ends at byte {start + filled}, inside its declared hive bins.");
            }

            filled += read;
        }

        _cache.Add(index, data);
        return data;
    }
}

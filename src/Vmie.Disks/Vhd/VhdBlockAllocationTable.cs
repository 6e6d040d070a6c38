using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using Vmie.Disks.Abstractions;

namespace Vmie.Disks.Vhd;

/// <summary>
/// The block allocation table (VHD specification, "Block Allocation Table and Data Blocks"): one big-endian
/// 32-bit sector offset per block, 0xFFFFFFFF for a block that is not allocated. Kept in memory when it fits
/// <see cref="DiskImageLimits.MaxInMemoryTableBytes"/>, else read entry by entry on demand. Entries are
/// returned raw; the disk checks each one against the file's layout.
/// </summary>
internal sealed class VhdBlockAllocationTable
{
    public const uint Unused = uint.MaxValue;

    private const int ChunkEntries = 16 * 1024;

    private readonly IBlockSource _source;
    private readonly long _offset;
    private readonly uint[]? _entries;

    private VhdBlockAllocationTable(IBlockSource source, long offset, long count, uint[]? entries)
    {
        _source = source;
        _offset = offset;
        Count = count;
        _entries = entries;
    }

    /// <summary>Entries that map the disk (the table may declare more; those beyond the capacity are ignored).</summary>
    public long Count { get; }

    public bool IsInMemory => _entries is not null;

    public static async Task<VhdBlockAllocationTable> LoadAsync(IBlockSource source, long offset, long count, CancellationToken cancellationToken)
    {
        if (count * 4 > DiskImageLimits.MaxInMemoryTableBytes)
        {
            return new VhdBlockAllocationTable(source, offset, count, null);
        }

        var entries = new uint[count];
        var table = new VhdBlockAllocationTable(source, offset, count, null);
        long index = 0;
        await foreach (var chunk in table.ReadChunksAsync(cancellationToken).ConfigureAwait(false))
        {
            chunk.CopyTo(entries, index);
            index += chunk.Length;
        }

        return new VhdBlockAllocationTable(source, offset, count, entries);
    }

    public async ValueTask<uint> GetAsync(long index, CancellationToken cancellationToken)
    {
        if (_entries is not null)
        {
            return _entries[index];
        }

        var bytes = new byte[4];
        await ReadExactlyAsync(_offset + (index * 4), bytes, cancellationToken).ConfigureAwait(false);
        return BinaryPrimitives.ReadUInt32BigEndian(bytes);
    }

    /// <summary>Every entry in order, in chunks, without holding the whole table.</summary>
    public async IAsyncEnumerable<uint[]> ReadChunksAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (_entries is not null)
        {
            yield return _entries;
            yield break;
        }

        var bytes = new byte[ChunkEntries * 4];
        for (long first = 0; first < Count; first += ChunkEntries)
        {
            var n = (int)Math.Min(ChunkEntries, Count - first);
            await ReadExactlyAsync(_offset + (first * 4), bytes.AsMemory(0, n * 4), cancellationToken).ConfigureAwait(false);
            var chunk = new uint[n];
            for (var i = 0; i < n; i++)
            {
                chunk[i] = BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(i * 4));
            }

            yield return chunk;
        }
    }

    private async ValueTask ReadExactlyAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var read = await _source.ReadAtAsync(offset, buffer, cancellationToken).ConfigureAwait(false);
        if (read != buffer.Length)
        {
            throw new InvalidDiskImageException($"The VHD block allocation table at byte {_offset} runs past the end of the file.");
        }
    }
}

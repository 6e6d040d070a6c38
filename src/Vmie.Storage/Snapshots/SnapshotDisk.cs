using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Vmie.Disks.Abstractions;

namespace Vmie.Storage.Snapshots;

/// <summary>
/// A committed snapshot read as a virtual disk. The manifest is not loaded whole (it can hold millions
/// of rows): each read looks up the blocks it touches. Safe for parallel readers. If the snapshot is
/// deleted while open, reads fail loudly rather than returning zeros.
/// </summary>
internal sealed class SnapshotDisk : IVirtualDisk
{
    private const int CachedBlocks = 4;
    private const int ExtentPageSize = 4096;

    private readonly FileSnapshotStore _store;
    private readonly string _snapshotId;
    private readonly int _blockSize;
    private readonly BlockCache _cache = new(CachedBlocks);

    public SnapshotDisk(FileSnapshotStore store, string snapshotId, long capacity, int blockSize)
    {
        _store = store;
        _snapshotId = snapshotId;
        _blockSize = blockSize;
        Capacity = capacity;
    }

    public long Capacity { get; }

    public async IAsyncEnumerable<DiskExtent> GetAllocatedExtentsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        DiskExtent? run = null;
        long next = 0;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var page = ListBlocks(next, long.MaxValue, ExtentPageSize);
            if (page.Count == 0)
            {
                break;
            }

            foreach (var (index, _) in page)
            {
                var offset = index * _blockSize;
                var length = Math.Min(_blockSize, Capacity - offset);
                if (run is { } current && current.End == offset)
                {
                    run = current with { Length = current.Length + length };
                }
                else
                {
                    if (run is { } finished)
                    {
                        yield return finished;
                    }

                    run = new DiskExtent(offset, length);
                }
            }

            next = page[^1].Index + 1;
            await Task.Yield();
        }

        if (run is { } last)
        {
            yield return last;
        }
    }

    public async ValueTask<int> ReadAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        if (offset >= Capacity || buffer.Length == 0)
        {
            return 0;
        }

        var length = (int)Math.Min(buffer.Length, Capacity - offset);
        var end = offset + length;
        var firstBlock = offset / _blockSize;
        var lastBlock = (end - 1) / _blockSize;
        var stored = ListBlocks(firstBlock, lastBlock, int.MaxValue);
        var next = 0;
        for (var block = firstBlock; block <= lastBlock; block++)
        {
            var blockStart = block * _blockSize;
            var blockLength = (int)Math.Min(_blockSize, Capacity - blockStart);
            var from = Math.Max(offset, blockStart);
            var to = Math.Min(end, blockStart + blockLength);
            var destination = buffer.Slice((int)(from - offset), (int)(to - from));
            if (next >= stored.Count || stored[next].Index != block)
            {
                destination.Span.Clear();
                continue;
            }

            var hash = stored[next++].Hash;
            var cached = _cache.Find(hash);
            if (cached is not null)
            {
                cached.AsSpan((int)(from - blockStart), destination.Length).CopyTo(destination.Span);
            }
            else if (destination.Length == blockLength)
            {
                // A whole block goes straight to the caller; caching it would only evict useful blocks.
                await _store.ReadBlockFileAsync(_snapshotId, block, hash, destination, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                var data = GC.AllocateUninitializedArray<byte>(blockLength);
                await _store.ReadBlockFileAsync(_snapshotId, block, hash, data, cancellationToken).ConfigureAwait(false);
                _cache.Add(hash, data);
                data.AsSpan((int)(from - blockStart), destination.Length).CopyTo(destination.Span);
            }
        }

        return length;
    }

    public ValueTask DisposeAsync()
    {
        _cache.Clear();
        return ValueTask.CompletedTask;
    }

    /// <summary>Stored blocks with index in [first, last], ascending; fails if the snapshot is gone.</summary>
    private List<(long Index, BlockHash Hash)> ListBlocks(long first, long last, int limit)
    {
        _store.ThrowIfDisposed();
        List<(long Index, BlockHash Hash)> blocks = [];
        using var connection = _store.OpenConnection();
        using (var select = connection.CreateCommand())
        {
            select.CommandText = """
                SELECT block_index, hash FROM snapshot_store_manifest
                WHERE snapshot_id = $id AND block_index BETWEEN $first AND $last
                ORDER BY block_index LIMIT $limit;
                """;
            select.Parameters.AddWithValue("$id", _snapshotId);
            select.Parameters.AddWithValue("$first", first);
            select.Parameters.AddWithValue("$last", last);
            select.Parameters.AddWithValue("$limit", limit);
            using var reader = select.ExecuteReader();
            while (reader.Read())
            {
                blocks.Add((reader.GetInt64(0), BlockHash.FromBytes((byte[])reader.GetValue(1))));
            }
        }

        // Checked after the manifest query: if the snapshot still exists now, the rows read were its own
        // (a delete removes the rows and the snapshot in one transaction).
        ThrowIfDeleted(connection);
        return blocks;
    }

    private void ThrowIfDeleted(SqliteConnection connection)
    {
        using var exists = connection.CreateCommand();
        exists.CommandText = "SELECT EXISTS(SELECT 1 FROM snapshot_store_contents WHERE snapshot_id = $id AND state = 'committed');";
        exists.Parameters.AddWithValue("$id", _snapshotId);
        if ((long)exists.ExecuteScalar()! == 0)
        {
            throw new KeyNotFoundException($"Snapshot '{_snapshotId}' was deleted while it was open.");
        }
    }
}

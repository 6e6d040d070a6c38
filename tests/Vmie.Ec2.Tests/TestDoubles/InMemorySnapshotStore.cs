using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Vmie.Disks.Abstractions;
using Vmie.Storage.Snapshots;

namespace Vmie.Ec2.Tests.TestDoubles;

/// <summary>Snapshot contents in memory: zero blocks are not kept, abandoned writers are counted.</summary>
internal sealed class InMemorySnapshotStore : ISnapshotStore
{
    private readonly ConcurrentDictionary<string, StoredSnapshot> _committed = new(StringComparer.Ordinal);
    private int _abandoned;

    public int BlockSize { get; init; } = 1 << 20;

    public ConcurrentQueue<string> DeleteCalls { get; } = new();

    /// <summary>When set, DeleteAsync throws it (to test releases that fail).</summary>
    public Exception? DeleteFailure { get; set; }

    public int AbandonedWriters => Volatile.Read(ref _abandoned);

    public IReadOnlyCollection<string> CommittedIds => _committed.Keys.ToList();

    public Task<ISnapshotWriter> BeginAsync(string snapshotId, long capacity, CancellationToken cancellationToken = default) =>
        Task.FromResult<ISnapshotWriter>(new Writer(this, snapshotId, capacity));

    public Task<IVirtualDisk> OpenAsync(string snapshotId, CancellationToken cancellationToken = default) =>
        _committed.TryGetValue(snapshotId, out var snapshot)
            ? Task.FromResult<IVirtualDisk>(new SnapshotDisk(snapshot, BlockSize))
            : throw new KeyNotFoundException($"Snapshot {snapshotId} does not exist.");

    public Task DeleteAsync(string snapshotId, CancellationToken cancellationToken = default)
    {
        DeleteCalls.Enqueue(snapshotId);
        if (DeleteFailure is { } failure)
        {
            throw failure;
        }

        return _committed.TryRemove(snapshotId, out _) ? Task.CompletedTask : throw new KeyNotFoundException($"Snapshot {snapshotId} does not exist.");
    }

    public Task<long> StoredBytesAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult(_committed.Values.Sum(s => s.Blocks.Values.Sum(b => (long)b.Length)));

    /// <summary>Test setup: a committed snapshot with no data.</summary>
    public void AddEmpty(string snapshotId, long capacity) => _committed[snapshotId] = new StoredSnapshot(capacity, new Dictionary<long, byte[]>());

    private sealed record StoredSnapshot(long Capacity, Dictionary<long, byte[]> Blocks);

    private sealed class Writer(InMemorySnapshotStore store, string snapshotId, long capacity) : ISnapshotWriter
    {
        private readonly ConcurrentDictionary<long, byte[]> _blocks = new();
        private bool _committed;

        public long Capacity => capacity;

        public ValueTask WriteBlockAsync(long blockIndex, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
        {
            if (data.Span.ContainsAnyExcept((byte)0))
            {
                _blocks[blockIndex] = data.ToArray();
            }

            return ValueTask.CompletedTask;
        }

        public Task CommitAsync(CancellationToken cancellationToken = default)
        {
            store._committed[snapshotId] = new StoredSnapshot(capacity, new Dictionary<long, byte[]>(_blocks));
            _committed = true;
            return Task.CompletedTask;
        }

        public ValueTask DisposeAsync()
        {
            if (!_committed)
            {
                Interlocked.Increment(ref store._abandoned);
            }

            return ValueTask.CompletedTask;
        }
    }

    private sealed class SnapshotDisk(StoredSnapshot snapshot, int blockSize) : IVirtualDisk
    {
        public long Capacity => snapshot.Capacity;

        public async IAsyncEnumerable<DiskExtent> GetAllocatedExtentsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            await Task.CompletedTask;
            foreach (var index in snapshot.Blocks.Keys.Order())
            {
                yield return new DiskExtent(index * blockSize, snapshot.Blocks[index].Length);
            }
        }

        public ValueTask<int> ReadAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var count = (int)Math.Clamp(Capacity - offset, 0, buffer.Length);
            var span = buffer.Span[..count];
            span.Clear();
            for (var i = 0; i < count;)
            {
                var position = offset + i;
                var index = position / blockSize;
                var within = (int)(position % blockSize);
                var run = Math.Min(count - i, blockSize - within);
                if (snapshot.Blocks.TryGetValue(index, out var block) && within < block.Length)
                {
                    block.AsSpan(within, Math.Min(run, block.Length - within)).CopyTo(span[i..]);
                }

                i += run;
            }

            return ValueTask.FromResult(count);
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}

namespace Vmie.Storage.Snapshots;

/// <summary>
/// Writes one snapshot of a <see cref="FileSnapshotStore"/>. Safe for concurrent WriteBlockAsync calls.
/// Blocks are pinned from the moment they are stored until their manifest rows are recorded, which
/// happens in batches (one transaction per <see cref="FileSnapshotStore.RecordBatchSize"/> blocks) and at commit, so
/// memory stays bounded whatever the disk size and SQLite sees few transactions.
/// </summary>
internal sealed class FileSnapshotWriter : ISnapshotWriter
{
    private readonly FileSnapshotStore _store;
    private readonly string _snapshotId;
    private readonly int _blockSize;
    private readonly long _blockCount;
    private readonly Lock _lock = new();
    private List<ManifestEntry> _unrecorded = [];
    private WriterState _state = WriterState.Open;
    private Exception? _fault;
    private int _writesInFlight;
    private TaskCompletionSource? _drained;

    public FileSnapshotWriter(FileSnapshotStore store, string snapshotId, long capacity, int blockSize)
    {
        _store = store;
        _snapshotId = snapshotId;
        _blockSize = blockSize;
        Capacity = capacity;
        _blockCount = (capacity + blockSize - 1) / blockSize;
    }

    private enum WriterState
    {
        Open,
        Committing,
        Committed,
        Closed,
    }

    public long Capacity { get; }

    // Hashing and file writes run synchronously on the caller's thread: .NET's async file I/O on Unix
    // is the same system call queued to the thread pool, and the importer's workers want the CPU work.
    public ValueTask WriteBlockAsync(long blockIndex, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ArgumentOutOfRangeException.ThrowIfNegative(blockIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(blockIndex, _blockCount);
        var expectedLength = (int)Math.Min(_blockSize, Capacity - (blockIndex * _blockSize));
        if (data.Length != expectedLength)
        {
            throw new ArgumentException(
                $"Block {blockIndex} of snapshot '{_snapshotId}' must be {expectedLength} bytes long, not {data.Length}.", nameof(data));
        }

        EnterWrite();
        try
        {
            var span = data.Span;
            if (span.IndexOfAnyExcept((byte)0) < 0)
            {
                return ValueTask.CompletedTask;
            }

            _store.ThrowIfDisposed();
            var hash = BlockHash.Compute(span);
            _store.Pins.Pin(hash);
            try
            {
                _store.StoreBlockFile(hash, span);
            }
            catch
            {
                _store.Pins.Unpin(hash);
                throw;
            }

            List<ManifestEntry>? batch = null;
            lock (_lock)
            {
                _unrecorded.Add(new ManifestEntry(blockIndex, hash, span.Length));
                if (_unrecorded.Count >= _store.RecordBatchSize)
                {
                    batch = _unrecorded;
                    _unrecorded = [];
                }
            }

            if (batch is not null)
            {
                Record(batch, commit: false);
            }

            return ValueTask.CompletedTask;
        }
        finally
        {
            ExitWrite();
        }
    }

    public Task CommitAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        List<ManifestEntry> batch;
        lock (_lock)
        {
            ThrowIfNotOpen();
            if (_writesInFlight > 0)
            {
                throw new InvalidOperationException($"Snapshot '{_snapshotId}' cannot be committed while blocks are still being written.");
            }

            _state = WriterState.Committing;
            batch = _unrecorded;
            _unrecorded = [];
        }

        try
        {
            _store.FlushBlocksToDisk();
        }
        catch (Exception e)
        {
            Fail(batch, e);
            throw;
        }

        Record(batch, commit: true);
        lock (_lock)
        {
            _state = WriterState.Committed;
        }

        _store.WriterFinished(_snapshotId);
        return Task.CompletedTask;
    }

    /// <summary>Without a successful commit: releases every block this writer added and forgets the snapshot.</summary>
    public async ValueTask DisposeAsync()
    {
        Task? drained = null;
        lock (_lock)
        {
            if (_state is WriterState.Committed or WriterState.Closed)
            {
                return;
            }

            _state = WriterState.Closed;
            if (_writesInFlight > 0)
            {
                _drained = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                drained = _drained.Task;
            }
        }

        if (drained is not null)
        {
            await drained.ConfigureAwait(false);
        }

        List<ManifestEntry> unrecorded;
        lock (_lock)
        {
            unrecorded = _unrecorded;
            _unrecorded = [];
        }

        _store.Pins.Unpin(unrecorded, entry => entry.Hash);
        _store.Abandon(_snapshotId, unrecorded.ConvertAll(entry => entry.Hash));
    }

    private void Record(List<ManifestEntry> batch, bool commit)
    {
        try
        {
            _store.RecordBlocks(_snapshotId, batch, commit);
        }
        catch (Exception e)
        {
            Fail(batch, e);
            throw;
        }

        // Recorded rows now hold a reference, so the pins are no longer needed.
        _store.Pins.Unpin(batch, entry => entry.Hash);
    }

    /// <summary>Keeps the batch's blocks pinned and owned by this writer so that dispose releases them.</summary>
    private void Fail(List<ManifestEntry> batch, Exception error)
    {
        lock (_lock)
        {
            _unrecorded.AddRange(batch);
            _fault ??= error;
            if (_state == WriterState.Committing)
            {
                _state = WriterState.Open;
            }
        }
    }

    private void EnterWrite()
    {
        lock (_lock)
        {
            ThrowIfNotOpen();
            _writesInFlight++;
        }
    }

    private void ExitWrite()
    {
        lock (_lock)
        {
            _writesInFlight--;
            if (_writesInFlight == 0)
            {
                _drained?.TrySetResult();
            }
        }
    }

    private void ThrowIfNotOpen()
    {
        switch (_state)
        {
            case WriterState.Committing:
                throw new InvalidOperationException($"Snapshot '{_snapshotId}' is being committed.");
            case WriterState.Committed:
                throw new InvalidOperationException($"Snapshot '{_snapshotId}' is already committed.");
            case WriterState.Closed:
                throw new ObjectDisposedException(nameof(ISnapshotWriter), $"The writer of snapshot '{_snapshotId}' was disposed.");
            case WriterState.Open:
                break;
        }

        if (_fault is not null)
        {
            throw new InvalidOperationException($"Writing snapshot '{_snapshotId}' failed earlier; dispose the writer.", _fault);
        }
    }
}

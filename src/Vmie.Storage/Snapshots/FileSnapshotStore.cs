using System.Collections.Concurrent;
using System.Numerics;
using Microsoft.Data.Sqlite;
using Microsoft.Win32.SafeHandles;
using Vmie.Disks.Abstractions;
using Vmie.Storage.Metadata;

namespace Vmie.Storage.Snapshots;

/// <summary>
/// Snapshot store on the local file system: block files under a root directory, manifests and block
/// reference counts in the metadata database (component "snapshots").
/// </summary>
/// <remarks>
/// <para>
/// A block's reference count is the number of manifest rows naming it, rows of snapshots still being
/// written included, so a block is only released when no snapshot lists it. Writers record their
/// blocks in batches; until a block is recorded it is pinned in memory (<see cref="BlockPins"/>) and
/// garbage collection, which holds the pin gate while it decides and deletes, leaves it alone.
/// </para>
/// <para>
/// One store instance owns a root: it holds an exclusive lock on root/.lock for its lifetime, so a
/// second instance (in this or another process) fails at once instead of collecting blocks it cannot
/// see being written. Microsoft.Data.Sqlite is synchronous underneath, so the Task-returning methods
/// complete synchronously.
/// </para>
/// </remarks>
public sealed class FileSnapshotStore : ISnapshotStore, IDisposable
{
    public const int DefaultBlockSize = 1 << 20;
    public const int MinimumBlockSize = 64 << 10;
    public const int MaximumBlockSize = 64 << 20;

    private const int GarbagePageSize = 256;
    private const string WritingState = "writing";
    private const string CommittedState = "committed";

    private readonly MetadataDatabase _database;
    private readonly SafeFileHandle _rootLock;
    private readonly ConcurrentDictionary<string, byte> _liveWriters = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _closing = new();
    private readonly Lock _orphanRemovalLock = new();
    private Task<SnapshotStoreCleanup>? _orphanRemoval;
    private volatile bool _disposed;

    /// <summary>Opens (creating if needed) the store at <paramref name="rootDirectory"/> and applies its schema migrations.</summary>
    /// <param name="blockSize">Block size of snapshots written from now on (each snapshot remembers its own).</param>
    public FileSnapshotStore(MetadataDatabase database, string rootDirectory, int blockSize = DefaultBlockSize)
    {
        if (!BitOperations.IsPow2(blockSize) || blockSize is < MinimumBlockSize or > MaximumBlockSize)
        {
            throw new ArgumentOutOfRangeException(nameof(blockSize), blockSize,
                $"The block size must be a power of two from {MinimumBlockSize} to {MaximumBlockSize} bytes.");
        }

        _database = database;
        BlockSize = blockSize;
        Layout = new BlockFileLayout(rootDirectory);
        Directory.CreateDirectory(Layout.Root);
        var lockPath = Path.Combine(Layout.Root, ".lock");
        try
        {
            _rootLock = File.OpenHandle(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e)
        {
            throw new InvalidOperationException(
                $"The snapshot store at '{Layout.Root}' is already open (lock file '{lockPath}' is held); only one store may own a root.", e);
        }

        try
        {
            database.Migrate(SnapshotStoreSchema.Migrations);
        }
        catch
        {
            _rootLock.Dispose();
            throw;
        }
    }

    public int BlockSize { get; }

    internal BlockFileLayout Layout { get; }

    internal BlockPins Pins { get; } = new();

    /// <summary>Blocks a writer records per transaction before commit (smaller in tests to exercise both paths).</summary>
    internal int RecordBatchSize { get; init; } = 1024;

    public Task<ISnapshotWriter> BeginAsync(string snapshotId, long capacity, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        ArgumentException.ThrowIfNullOrEmpty(snapshotId);
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        cancellationToken.ThrowIfCancellationRequested();

        // Registered before the row exists, so DeleteAsync and RemoveOrphansAsync never take a
        // 'writing' row of a live writer for an abandoned one.
        if (!_liveWriters.TryAdd(snapshotId, 0))
        {
            throw new InvalidOperationException($"Snapshot '{snapshotId}' is already being written.");
        }

        try
        {
            bool releasedAbandoned;
            using (var connection = _database.OpenConnection())
            using (var transaction = connection.BeginTransaction(deferred: false))
            {
                var state = ReadState(connection, transaction, snapshotId);
                if (state == CommittedState)
                {
                    throw new InvalidOperationException($"Snapshot '{snapshotId}' already exists.");
                }

                // A 'writing' row nobody in this process writes was left by a writer that died: start over.
                releasedAbandoned = state == WritingState;
                if (releasedAbandoned)
                {
                    ReleaseSnapshotRows(connection, transaction, snapshotId);
                }

                using var insert = Command(connection, transaction, """
                    INSERT INTO snapshot_store_contents(snapshot_id, capacity, block_size, state, created_at)
                    VALUES ($id, $capacity, $blockSize, 'writing', $now);
                    """);
                insert.Parameters.AddWithValue("$id", snapshotId);
                insert.Parameters.AddWithValue("$capacity", capacity);
                insert.Parameters.AddWithValue("$blockSize", BlockSize);
                insert.Parameters.AddWithValue("$now", DateTime.UtcNow.ToString("O"));
                insert.ExecuteNonQuery();
                transaction.Commit();
            }

            if (releasedAbandoned)
            {
                CollectGarbage([], CancellationToken.None);
            }

            return Task.FromResult<ISnapshotWriter>(new FileSnapshotWriter(this, snapshotId, capacity, BlockSize));
        }
        catch
        {
            _liveWriters.TryRemove(snapshotId, out _);
            throw;
        }
    }

    public Task<IVirtualDisk> OpenAsync(string snapshotId, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        ArgumentException.ThrowIfNullOrEmpty(snapshotId);
        cancellationToken.ThrowIfCancellationRequested();
        using var connection = _database.OpenConnection();
        using var select = Command(connection, null,
            "SELECT capacity, block_size FROM snapshot_store_contents WHERE snapshot_id = $id AND state = 'committed';");
        select.Parameters.AddWithValue("$id", snapshotId);
        using var reader = select.ExecuteReader();
        if (!reader.Read())
        {
            throw new KeyNotFoundException($"Snapshot '{snapshotId}' does not exist or is not committed.");
        }

        return Task.FromResult<IVirtualDisk>(new SnapshotDisk(this, snapshotId, reader.GetInt64(0), reader.GetInt32(1)));
    }

    /// <summary>
    /// Deletes a committed snapshot (or one left half-written by a writer that died) and releases its blocks.
    /// Deleting an unknown snapshot does nothing, so a retried delete succeeds. Cancellation may stop the
    /// deletion of block files after the snapshot is gone; what is left is unreferenced and collected by the
    /// next delete (a retry included) or by <see cref="RemoveOrphansAsync"/>.
    /// </summary>
    public Task DeleteAsync(string snapshotId, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        ArgumentException.ThrowIfNullOrEmpty(snapshotId);
        cancellationToken.ThrowIfCancellationRequested();
        using (var connection = _database.OpenConnection())
        using (var transaction = connection.BeginTransaction(deferred: false))
        {
            var state = ReadState(connection, transaction, snapshotId);
            if (state == WritingState && _liveWriters.ContainsKey(snapshotId))
            {
                throw new InvalidOperationException(
                    $"Snapshot '{snapshotId}' is being written; dispose its writer to abandon it instead of deleting it.");
            }

            if (state is not null)
            {
                ReleaseSnapshotRows(connection, transaction, snapshotId);
                transaction.Commit();
            }
        }

        // Also for an unknown snapshot: a retry finishes the collection an interrupted delete started.
        CollectGarbage([], cancellationToken);
        return Task.CompletedTask;
    }

    public Task<long> StoredBytesAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        cancellationToken.ThrowIfCancellationRequested();
        using var connection = _database.OpenConnection();
        using var sum = Command(connection, null, "SELECT COALESCE(SUM(length), 0) FROM snapshot_store_blocks;");
        return Task.FromResult((long)sum.ExecuteScalar()!);
    }

    /// <summary>
    /// Crash hygiene: releases snapshots whose writer died before committing, then removes unreferenced
    /// blocks, leftover temp files and block files the database does not know. It looks at every block file
    /// (one query each), so it takes a while on a large store; <see cref="StartRemovingOrphans"/> runs it in
    /// the background.
    /// </summary>
    /// <remarks>
    /// Safe beside live writers, deletes and readers of this store, which is what lets it run while the store
    /// serves: a writer registers its snapshot ID before its 'writing' row exists, so only rows of dead writers
    /// are released; a writer pins a block (under <see cref="BlockPins.Gate"/>) before it writes the temp file
    /// or looks for the block file, and unpins it only after its manifest row is committed, so a file checked
    /// under the gate is either pinned (skipped) or, if any snapshot uses it, already has its row; and garbage
    /// collection decides and unlinks under the same gate. The root lock keeps every other process out.
    /// </remarks>
    public Task<SnapshotStoreCleanup> RemoveOrphansAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        var abandoned = 0;
        List<string> writing = [];
        using (var connection = _database.OpenConnection())
        using (var select = Command(connection, null, "SELECT snapshot_id FROM snapshot_store_contents WHERE state = 'writing';"))
        using (var reader = select.ExecuteReader())
        {
            while (reader.Read())
            {
                writing.Add(reader.GetString(0));
            }
        }

        foreach (var snapshotId in writing.Where(id => !_liveWriters.ContainsKey(id)))
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var connection = _database.OpenConnection();
            using var transaction = connection.BeginTransaction(deferred: false);

            // Re-checked inside the transaction: a writer may have started on this id meanwhile.
            if (ReadState(connection, transaction, snapshotId) == WritingState && !_liveWriters.ContainsKey(snapshotId))
            {
                ReleaseSnapshotRows(connection, transaction, snapshotId);
                transaction.Commit();
                abandoned++;
            }
        }

        var blocksRemoved = CollectGarbage([], cancellationToken);
        var tempFilesRemoved = 0;
        using (var connection = _database.OpenConnection())
        using (var known = Command(connection, null, "SELECT EXISTS(SELECT 1 FROM snapshot_store_blocks WHERE hash = $hash);"))
        {
            var hashParameter = known.Parameters.Add("$hash", SqliteType.Blob);
            foreach (var file in Layout.EnumerateFiles())
            {
                cancellationToken.ThrowIfCancellationRequested();
                lock (Pins.Gate)
                {
                    // A pinned block belongs to a live writer: its temp file may be in use and its
                    // block file is about to be recorded.
                    if (Pins.IsPinned(file.Hash))
                    {
                        continue;
                    }

                    if (file.IsTemp)
                    {
                        if (DeleteFile(file.Path))
                        {
                            tempFilesRemoved++;
                        }

                        continue;
                    }

                    hashParameter.Value = file.Hash.ToArray();
                    if ((long)known.ExecuteScalar()! == 0 && DeleteFile(file.Path))
                    {
                        blocksRemoved++;
                    }
                }
            }
        }

        return Task.FromResult(new SnapshotStoreCleanup(abandoned, tempFilesRemoved, blocksRemoved));
    }

    /// <summary>
    /// Starts <see cref="RemoveOrphansAsync"/> on the thread pool, for a host that serves while it runs (see
    /// its remarks for why that is safe). Disposing the store stops it at the next file and waits for it, so
    /// nothing is deleted once the root lock is let go. The task ends cancelled when the store is disposed
    /// first. Once per store instance.
    /// </summary>
    public Task<SnapshotStoreCleanup> StartRemovingOrphans()
    {
        lock (_orphanRemovalLock)
        {
            ThrowIfDisposed();
            if (_orphanRemoval is not null)
            {
                throw new InvalidOperationException("The orphan removal of this snapshot store was already started.");
            }

            var closing = _closing.Token;
            _orphanRemoval = Task.Run(() => RemoveOrphansAsync(closing), closing);
            return _orphanRemoval;
        }
    }

    public void Dispose()
    {
        Task? orphanRemoval;
        lock (_orphanRemovalLock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            orphanRemoval = _orphanRemoval;
            _closing.Cancel();
        }

        try
        {
            orphanRemoval?.Wait();
        }
        catch (AggregateException)
        {
            // Cancelled, or failed: whoever started it observes that through its task.
        }

        _rootLock.Dispose();
        _closing.Dispose();
    }

    internal void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);

    internal SqliteConnection OpenConnection() => _database.OpenConnection();

    /// <summary>
    /// Makes sure the block file of <paramref name="hash"/> exists with <paramref name="data"/>. The caller
    /// has pinned the hash, so an existing file cannot be collected before the caller records it.
    /// </summary>
    internal void StoreBlockFile(BlockHash hash, ReadOnlySpan<byte> data)
    {
        var path = Layout.PathOf(hash);
        var existing = new FileInfo(path);

        // Same name means same content; a wrong length can only be damage (e.g. a crash before the data
        // reached the disk), so such a file is replaced rather than trusted.
        if (existing.Exists && existing.Length == data.Length)
        {
            return;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var tempPath = $"{path}.{Guid.NewGuid():N}.tmp";
        try
        {
            using (var handle = File.OpenHandle(tempPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, FileOptions.None, data.Length))
            {
                RandomAccess.Write(handle, data, 0);
                BlockDurability.BlockWritten(handle);
            }

            File.Move(tempPath, path, overwrite: true);
        }
        catch
        {
            DeleteFile(tempPath);
            throw;
        }
    }

    /// <summary>Reads a whole block into <paramref name="destination"/> (exactly its length) and checks its hash.</summary>
    internal async ValueTask ReadBlockFileAsync(string snapshotId, long blockIndex, BlockHash hash, Memory<byte> destination, CancellationToken cancellationToken)
    {
        var path = Layout.PathOf(hash);
        SafeFileHandle handle;
        try
        {
            handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, FileOptions.Asynchronous);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new InvalidDataException(
                $"Block {blockIndex} of snapshot '{snapshotId}' is missing from the store (file '{path}'); the snapshot was deleted or the store is damaged.", e);
        }

        using (handle)
        {
            var length = RandomAccess.GetLength(handle);
            var total = 0;
            while (total < destination.Length)
            {
                var read = await RandomAccess.ReadAsync(handle, destination[total..], total, cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                total += read;
            }

            if (length != destination.Length || total != destination.Length || BlockHash.Compute(destination.Span) != hash)
            {
                throw new InvalidDataException(
                    $"Block {blockIndex} of snapshot '{snapshotId}' is damaged: file '{path}' does not hold the {destination.Length} bytes whose SHA-256 names it.");
            }
        }
    }

    /// <summary>Records blocks in the manifest of a snapshot being written, and when <paramref name="commit"/> makes it visible, in one transaction.</summary>
    internal void RecordBlocks(string snapshotId, IReadOnlyList<ManifestEntry> entries, bool commit)
    {
        ThrowIfDisposed();
        using var connection = _database.OpenConnection();
        using var transaction = connection.BeginTransaction(deferred: false);
        if (entries.Count > 0)
        {
            using var reference = Command(connection, transaction, """
                INSERT INTO snapshot_store_blocks(hash, length, refs) VALUES ($hash, $length, 1)
                ON CONFLICT(hash) DO UPDATE SET refs = refs + 1;
                """);
            var referenceHash = reference.Parameters.Add("$hash", SqliteType.Blob);
            var referenceLength = reference.Parameters.Add("$length", SqliteType.Integer);
            using var list = Command(connection, transaction, """
                INSERT INTO snapshot_store_manifest(snapshot_id, block_index, hash) VALUES ($id, $index, $hash)
                ON CONFLICT(snapshot_id, block_index) DO NOTHING;
                """);
            list.Parameters.AddWithValue("$id", snapshotId);
            var listIndex = list.Parameters.Add("$index", SqliteType.Integer);
            var listHash = list.Parameters.Add("$hash", SqliteType.Blob);
            reference.Prepare();
            list.Prepare();
            foreach (var entry in entries)
            {
                var hash = entry.Hash.ToArray();
                referenceHash.Value = hash;
                referenceLength.Value = entry.Length;
                reference.ExecuteNonQuery();
                listIndex.Value = entry.Index;
                listHash.Value = hash;
                if (list.ExecuteNonQuery() == 0)
                {
                    throw new InvalidOperationException($"Block {entry.Index} of snapshot '{snapshotId}' was written twice.");
                }
            }
        }

        if (commit)
        {
            using var publish = Command(connection, transaction,
                "UPDATE snapshot_store_contents SET state = 'committed' WHERE snapshot_id = $id AND state = 'writing';");
            publish.Parameters.AddWithValue("$id", snapshotId);
            if (publish.ExecuteNonQuery() != 1)
            {
                throw new InvalidOperationException($"Snapshot '{snapshotId}' is no longer being written; it cannot be committed.");
            }
        }

        transaction.Commit();
    }

    /// <summary>Makes every block written so far durable; see <see cref="BlockDurability"/>.</summary>
    internal void FlushBlocksToDisk() => BlockDurability.BeforeCommit(_rootLock);

    /// <summary>
    /// Drops the rows of an abandoned writer and deletes the blocks nobody else uses, including those
    /// it stored but had not recorded yet (<paramref name="unrecorded"/>, already unpinned).
    /// </summary>
    internal void Abandon(string snapshotId, IReadOnlyCollection<BlockHash> unrecorded)
    {
        try
        {
            if (!_disposed)
            {
                using (var connection = _database.OpenConnection())
                using (var transaction = connection.BeginTransaction(deferred: false))
                {
                    if (ReadState(connection, transaction, snapshotId) == WritingState)
                    {
                        ReleaseSnapshotRows(connection, transaction, snapshotId);
                    }

                    transaction.Commit();
                }

                CollectGarbage(unrecorded, CancellationToken.None);
            }
        }
        finally
        {
            WriterFinished(snapshotId);
        }
    }

    internal void WriterFinished(string snapshotId) => _liveWriters.TryRemove(snapshotId, out _);

    /// <summary>
    /// Deletes unreferenced block rows and their files, plus the files of <paramref name="candidates"/>
    /// when no row references them; pinned blocks are skipped. Returns the count of files deleted.
    /// Cancellation stops it between pages; what is left stays unreferenced for the next collection.
    /// </summary>
    private int CollectGarbage(IReadOnlyCollection<BlockHash> candidates, CancellationToken cancellationToken)
    {
        var deleted = candidates.Count > 0 ? SweepBlocks(candidates.Distinct().ToList()) : 0;
        byte[]? after = null;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            List<BlockHash> page = [];
            using (var connection = _database.OpenConnection())
            using (var select = Command(connection, null, after is null
                ? "SELECT hash FROM snapshot_store_blocks WHERE refs = 0 ORDER BY hash LIMIT $limit;"
                : "SELECT hash FROM snapshot_store_blocks WHERE refs = 0 AND hash > $after ORDER BY hash LIMIT $limit;"))
            {
                select.Parameters.AddWithValue("$limit", GarbagePageSize);
                if (after is not null)
                {
                    select.Parameters.AddWithValue("$after", after);
                }

                using var reader = select.ExecuteReader();
                while (reader.Read())
                {
                    page.Add(BlockHash.FromBytes((byte[])reader.GetValue(0)));
                }
            }

            if (page.Count == 0)
            {
                return deleted;
            }

            deleted += SweepBlocks(page);
            after = page[^1].ToArray();
        }
    }

    private int SweepBlocks(IReadOnlyList<BlockHash> hashes)
    {
        // The gate is held from the decision to the unlink: a writer pins (under the gate) before it
        // looks for an existing file, so it either sees the file gone or keeps it alive.
        lock (Pins.Gate)
        {
            List<BlockHash> doomed = [];
            using (var connection = _database.OpenConnection())
            using (var transaction = connection.BeginTransaction(deferred: false))
            {
                using var delete = Command(connection, transaction, "DELETE FROM snapshot_store_blocks WHERE hash = $hash AND refs = 0;");
                var deleteHash = delete.Parameters.Add("$hash", SqliteType.Blob);
                using var exists = Command(connection, transaction, "SELECT EXISTS(SELECT 1 FROM snapshot_store_blocks WHERE hash = $hash);");
                var existsHash = exists.Parameters.Add("$hash", SqliteType.Blob);
                foreach (var hash in hashes)
                {
                    if (Pins.IsPinned(hash))
                    {
                        continue;
                    }

                    var bytes = hash.ToArray();
                    deleteHash.Value = bytes;
                    delete.ExecuteNonQuery();
                    existsHash.Value = bytes;
                    if ((long)exists.ExecuteScalar()! == 0)
                    {
                        doomed.Add(hash);
                    }
                }

                transaction.Commit();
            }

            // Rows go first: a crash between leaves an orphan file for RemoveOrphansAsync, never a row without its file.
            var deleted = 0;
            foreach (var hash in doomed)
            {
                if (DeleteFile(Layout.PathOf(hash)))
                {
                    deleted++;
                }
            }

            return deleted;
        }
    }

    private static void ReleaseSnapshotRows(SqliteConnection connection, SqliteTransaction transaction, string snapshotId)
    {
        using var release = Command(connection, transaction, """
            UPDATE snapshot_store_blocks SET refs = refs - used.uses
            FROM (SELECT hash, COUNT(*) AS uses FROM snapshot_store_manifest WHERE snapshot_id = $id GROUP BY hash) AS used
            WHERE snapshot_store_blocks.hash = used.hash;
            DELETE FROM snapshot_store_manifest WHERE snapshot_id = $id;
            DELETE FROM snapshot_store_contents WHERE snapshot_id = $id;
            """);
        release.Parameters.AddWithValue("$id", snapshotId);
        release.ExecuteNonQuery();
    }

    private static string? ReadState(SqliteConnection connection, SqliteTransaction transaction, string snapshotId)
    {
        using var select = Command(connection, transaction, "SELECT state FROM snapshot_store_contents WHERE snapshot_id = $id;");
        select.Parameters.AddWithValue("$id", snapshotId);
        return select.ExecuteScalar() as string;
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }

    /// <summary>Deletes a file if it is there; true when it was.</summary>
    private static bool DeleteFile(string path)
    {
        try
        {
            if (!File.Exists(path))
            {
                return false;
            }

            File.Delete(path);
            return true;
        }
        catch (DirectoryNotFoundException)
        {
            return false;
        }
    }
}

using Microsoft.Data.Sqlite;
using Vmie.Ec2.Tasks;
using Vmie.Storage.Metadata;

namespace Vmie.Ec2.Persistence;

/// <summary>
/// Snapshot metadata (the contents live in the snapshot store), and the queue of contents to release
/// when a snapshot's metadata is gone.
/// </summary>
public sealed class SnapshotRepository
{
    private const string Columns = """
        seq, id, account_id, region, volume_id, volume_size, capacity, data_bytes, state, progress, description,
        encrypted, kms_key_id, start_time, completion_time, source_task_id
        """;

    private readonly MetadataDatabase _database;

    public SnapshotRepository(MetadataDatabase database)
    {
        _database = database;
    }

    /// <summary>The snapshots of an account and region whose IDs are listed, in creation order.</summary>
    public async Task<IReadOnlyList<SnapshotRecord>> FindManyAsync(string accountId, string region, IReadOnlyList<string> ids, CancellationToken cancellationToken = default)
    {
        if (ids.Count == 0)
        {
            return [];
        }

        await using var connection = _database.OpenConnection();
        await using var command = SqliteStatement.Create(connection, null, "", ("$a", accountId), ("$r", region));
        var list = SqliteStatement.AddList(command, "id", ids);
        command.CommandText = $"SELECT {Columns} FROM ec2_snapshots WHERE account_id = $a AND region = $r AND id IN ({list}) ORDER BY seq;";
        return await ReadAllAsync(command, cancellationToken);
    }

    public async Task<IReadOnlyList<SnapshotRecord>> ListAsync(string accountId, string region, long afterSequence, int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = _database.OpenConnection();
        await using var command = SqliteStatement.Create(connection, null,
            $"SELECT {Columns} FROM ec2_snapshots WHERE account_id = $a AND region = $r AND seq > $after ORDER BY seq LIMIT $limit;",
            ("$a", accountId), ("$r", region), ("$after", afterSequence), ("$limit", limit));
        return await ReadAllAsync(command, cancellationToken);
    }

    /// <summary>
    /// Removes a snapshot of the caller's account and region with its tags and queues its contents for
    /// release, in one transaction; refused while an AMI maps it or an unfinished task reads or writes it.
    /// Volumes made from it do not hold it: they do not depend on its contents.
    /// </summary>
    public async Task<SnapshotDeleteOutcome> DeleteAsync(string id, string accountId, string region, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var connection = _database.OpenConnection();
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using (var exists = SqliteStatement.Create(connection, transaction,
            "SELECT 1 FROM ec2_snapshots WHERE id = $id AND account_id = $a AND region = $r;", ("$id", id), ("$a", accountId), ("$r", region)))
        {
            if (await exists.ExecuteScalarAsync(cancellationToken) is null)
            {
                return new SnapshotDeleteOutcome(SnapshotDeleteResult.NotFound, null);
            }
        }

        if (await ImageRepository.FindImageUsingSnapshotAsync(connection, transaction, id, cancellationToken) is { } imageId)
        {
            return new SnapshotDeleteOutcome(SnapshotDeleteResult.InUse, imageId);
        }

        await using (var user = SqliteStatement.Create(connection, transaction, """
            SELECT id FROM ec2_tasks WHERE status IN ($active, $deleting) AND (source_snapshot_id = $id OR snapshot_id = $id
                OR id IN (SELECT task_id FROM ec2_task_disks WHERE source_snapshot_id = $id OR snapshot_id = $id)) ORDER BY seq LIMIT 1;
            """, ("$active", ImportTaskStatus.Active), ("$deleting", ImportTaskStatus.Deleting), ("$id", id)))
        {
            if (await user.ExecuteScalarAsync(cancellationToken) is string taskId)
            {
                return new SnapshotDeleteOutcome(SnapshotDeleteResult.InUse, taskId);
            }
        }

        await using (var delete = SqliteStatement.Create(connection, transaction, """
            DELETE FROM ec2_snapshots WHERE id = $id;
            DELETE FROM ec2_tags WHERE resource_id = $id;
            INSERT INTO ec2_snapshot_releases (snapshot_id, requested_at) VALUES ($id, $now) ON CONFLICT(snapshot_id) DO NOTHING;
            """, ("$id", id), ("$now", SqliteStatement.ToUnixMilliseconds(now))))
        {
            await delete.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return new SnapshotDeleteOutcome(SnapshotDeleteResult.Deleted, null);
    }

    /// <summary>
    /// Records that the contents of <paramref name="snapshotId"/> must be released from the snapshot store,
    /// unless a snapshot row still names it (contents that metadata describes are never released).
    /// </summary>
    public async Task QueueReleaseAsync(string snapshotId, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var connection = _database.OpenConnection();
        await QueueReleaseAsync(connection, null, snapshotId, now, cancellationToken);
    }

    public async Task<IReadOnlyList<string>> PendingReleasesAsync(int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = _database.OpenConnection();
        await using var command = SqliteStatement.Create(connection, null,
            "SELECT snapshot_id FROM ec2_snapshot_releases ORDER BY requested_at, snapshot_id LIMIT $limit;", ("$limit", limit));
        var ids = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }

    public async Task CompleteReleaseAsync(string snapshotId, CancellationToken cancellationToken = default)
    {
        await using var connection = _database.OpenConnection();
        await using var command = SqliteStatement.Create(connection, null,
            "DELETE FROM ec2_snapshot_releases WHERE snapshot_id = $id;", ("$id", snapshotId));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    internal static async Task QueueReleaseAsync(SqliteConnection connection, SqliteTransaction? transaction, string snapshotId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = SqliteStatement.Create(connection, transaction, """
            INSERT INTO ec2_snapshot_releases (snapshot_id, requested_at)
            SELECT $id, $now WHERE NOT EXISTS (SELECT 1 FROM ec2_snapshots WHERE id = $id)
            ON CONFLICT(snapshot_id) DO NOTHING;
            """,
            ("$id", snapshotId), ("$now", SqliteStatement.ToUnixMilliseconds(now)));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    internal static async Task InsertAsync(SqliteConnection connection, SqliteTransaction transaction, SnapshotRecord snapshot, CancellationToken cancellationToken)
    {
        await using var command = SqliteStatement.Create(connection, transaction, """
            INSERT INTO ec2_snapshots (id, account_id, region, volume_id, volume_size, capacity, data_bytes, state, progress, description,
                encrypted, kms_key_id, start_time, completion_time, source_task_id)
            VALUES ($id, $a, $r, $volume, $size, $capacity, $data, $state, $progress, $description,
                $encrypted, $kms, $start, $completion, $task);
            """,
            ("$id", snapshot.Id), ("$a", snapshot.AccountId), ("$r", snapshot.Region), ("$volume", snapshot.VolumeId), ("$size", snapshot.VolumeSize),
            ("$capacity", snapshot.Capacity), ("$data", snapshot.DataBytes), ("$state", snapshot.State), ("$progress", snapshot.Progress),
            ("$description", snapshot.Description), ("$encrypted", snapshot.Encrypted), ("$kms", snapshot.KmsKeyId),
            ("$start", SqliteStatement.ToUnixMilliseconds(snapshot.StartTime)),
            ("$completion", snapshot.CompletionTime is { } completion ? SqliteStatement.ToUnixMilliseconds(completion) : null),
            ("$task", snapshot.SourceTaskId));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<IReadOnlyList<SnapshotRecord>> ReadAllAsync(SqliteCommand command, CancellationToken cancellationToken)
    {
        var snapshots = new List<SnapshotRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            snapshots.Add(new SnapshotRecord
            {
                Sequence = reader.GetInt64(0),
                Id = reader.GetString(1),
                AccountId = reader.GetString(2),
                Region = reader.GetString(3),
                VolumeId = reader.GetString(4),
                VolumeSize = reader.GetInt32(5),
                Capacity = reader.GetInt64(6),
                DataBytes = reader.GetInt64(7),
                State = reader.GetString(8),
                Progress = reader.GetString(9),
                Description = reader.GetNullableString(10),
                Encrypted = reader.GetBoolean(11),
                KmsKeyId = reader.GetNullableString(12),
                StartTime = reader.GetTime(13),
                CompletionTime = reader.GetNullableTime(14),
                SourceTaskId = reader.GetNullableString(15),
            });
        }

        return snapshots;
    }
}

using Microsoft.Data.Sqlite;
using Vmie.Ec2.Tasks;
using Vmie.Storage.Metadata;

namespace Vmie.Ec2.Persistence;

/// <summary>
/// The disks of image tasks (ec2_task_disks). Rows are written with their task by ImportTaskRepository.InsertAsync;
/// afterwards only the worker holding the task changes them, and every such change is conditional on that claim.
/// </summary>
public sealed class TaskDiskRepository
{
    private const string Columns = """
        task_id, position, format, source_bucket, source_key, url, description, device_name, source_snapshot_id,
        snapshot_id, status, status_message, progress, disk_image_size
        """;

    private readonly MetadataDatabase _database;

    public TaskDiskRepository(MetadataDatabase database)
    {
        _database = database;
    }

    /// <summary>The disks of each listed task, in position order (tasks without disks are absent).</summary>
    public async Task<IReadOnlyDictionary<string, IReadOnlyList<TaskDiskRecord>>> GetAsync(IReadOnlyCollection<string> taskIds, CancellationToken cancellationToken = default)
    {
        var result = new Dictionary<string, IReadOnlyList<TaskDiskRecord>>(StringComparer.Ordinal);
        if (taskIds.Count == 0)
        {
            return result;
        }

        await using var connection = _database.OpenConnection();
        await using var command = SqliteStatement.Create(connection, null, "");
        var list = SqliteStatement.AddList(command, "t", taskIds.ToList());
        command.CommandText = $"SELECT {Columns} FROM ec2_task_disks WHERE task_id IN ({list}) ORDER BY task_id, position;";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var disk = Read(reader);
            if (!result.TryGetValue(disk.TaskId, out var disks))
            {
                disks = new List<TaskDiskRecord>();
                result[disk.TaskId] = disks;
            }

            ((List<TaskDiskRecord>)disks).Add(disk);
        }

        return result;
    }

    /// <summary>
    /// Changes one disk of a task that <paramref name="workerId"/> holds and that is still active. Returns false
    /// (and changes nothing) when the claim was lost, the task is no longer active or the disk does not exist.
    /// </summary>
    public async Task<bool> UpdateAsync(string taskId, string workerId, int position, TaskDiskUpdate update, CancellationToken cancellationToken = default)
    {
        await using var connection = _database.OpenConnection();
        await using var command = SqliteStatement.Create(connection, null, """
            UPDATE ec2_task_disks SET
                status = COALESCE($status, status),
                status_message = COALESCE($message, status_message),
                progress = CASE WHEN $progress IS NULL THEN progress ELSE MAX(COALESCE(progress, 0), $progress) END,
                disk_image_size = COALESCE($size, disk_image_size),
                snapshot_id = COALESCE($snapshot, snapshot_id),
                device_name = COALESCE($device, device_name),
                format = COALESCE($format, format)
            WHERE task_id = $id AND position = $position
                AND EXISTS (SELECT 1 FROM ec2_tasks WHERE id = $id AND claimed_by = $w AND status = $active);
            """,
            ("$status", update.Status), ("$message", update.StatusMessage), ("$progress", update.Progress), ("$size", update.DiskImageSize),
            ("$snapshot", update.SnapshotId), ("$device", update.DeviceName), ("$format", update.Format),
            ("$id", taskId), ("$position", position), ("$w", workerId), ("$active", ImportTaskStatus.Active));
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>
    /// Replaces all disks of a held, active task (for example the single OVA row by the disks the package holds),
    /// atomically. Returns false (and changes nothing) when the worker no longer holds the task.
    /// </summary>
    public async Task<bool> ReplaceAsync(string taskId, string workerId, IReadOnlyList<TaskDiskRecord> disks, CancellationToken cancellationToken = default)
    {
        if (disks.Any(d => d.TaskId != taskId))
        {
            throw new ArgumentException($"Every disk must belong to task {taskId}.", nameof(disks));
        }

        await using var connection = _database.OpenConnection();
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using (var held = SqliteStatement.Create(connection, transaction,
            "SELECT 1 FROM ec2_tasks WHERE id = $id AND claimed_by = $w AND status = $active;", ("$id", taskId), ("$w", workerId), ("$active", ImportTaskStatus.Active)))
        {
            if (await held.ExecuteScalarAsync(cancellationToken) is null)
            {
                return false;
            }
        }

        await using (var delete = SqliteStatement.Create(connection, transaction, "DELETE FROM ec2_task_disks WHERE task_id = $id;", ("$id", taskId)))
        {
            await delete.ExecuteNonQueryAsync(cancellationToken);
        }

        await InsertAsync(connection, transaction, disks, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    internal static async Task InsertAsync(SqliteConnection connection, SqliteTransaction transaction, IReadOnlyList<TaskDiskRecord> disks, CancellationToken cancellationToken)
    {
        foreach (var disk in disks)
        {
            await using var insert = SqliteStatement.Create(connection, transaction, $"""
                INSERT INTO ec2_task_disks ({Columns})
                VALUES ($task, $position, $format, $bucket, $key, $url, $description, $device, $sourceSnapshot,
                    $snapshot, $status, $message, $progress, $size);
                """,
                ("$task", disk.TaskId), ("$position", disk.Position), ("$format", disk.Format), ("$bucket", disk.SourceBucket), ("$key", disk.SourceKey),
                ("$url", disk.Url), ("$description", disk.Description), ("$device", disk.DeviceName), ("$sourceSnapshot", disk.SourceSnapshotId),
                ("$snapshot", disk.SnapshotId), ("$status", disk.Status), ("$message", disk.StatusMessage), ("$progress", disk.Progress),
                ("$size", disk.DiskImageSize));
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    /// <summary>
    /// Called in the transaction that ends a run which did not complete (the task ends deleted, or goes back to the
    /// queue): the snapshots the run wrote into its disks' rows are queued for release (unless a snapshot row names
    /// them), then the disks end deleted with the task or, for a re-queued task, are reset to what the request made
    /// them (an OVA's disks folded back into its one row), so that the next run starts over.
    /// </summary>
    internal static async Task EndRunAsync(SqliteConnection connection, SqliteTransaction transaction, string taskId, bool requeued, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using (var release = SqliteStatement.Create(connection, transaction, """
            INSERT INTO ec2_snapshot_releases (snapshot_id, requested_at)
            SELECT d.snapshot_id, $now FROM ec2_task_disks AS d
            WHERE d.task_id = $id AND d.snapshot_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ec2_snapshots AS s WHERE s.id = d.snapshot_id)
            ON CONFLICT(snapshot_id) DO NOTHING;
            """, ("$id", taskId), ("$now", SqliteStatement.ToUnixMilliseconds(now))))
        {
            await release.ExecuteNonQueryAsync(cancellationToken);
        }

        // The request (request_json, ImportImageParameters) keeps each container's Format and Description in order.
        var sql = requeued
            ? """
                DELETE FROM ec2_task_disks WHERE task_id = $id
                    AND position >= (SELECT json_array_length(request_json, '$.Disks') FROM ec2_tasks WHERE id = $id);
                UPDATE ec2_task_disks SET status = $active, status_message = NULL, progress = NULL, snapshot_id = NULL,
                    device_name = NULL, disk_image_size = 0,
                    format = (SELECT json_extract(t.request_json, '$.Disks[' || ec2_task_disks.position || '].Format') FROM ec2_tasks AS t WHERE t.id = $id),
                    description = (SELECT json_extract(t.request_json, '$.Disks[' || ec2_task_disks.position || '].Description') FROM ec2_tasks AS t WHERE t.id = $id)
                WHERE task_id = $id;
                """
            : "UPDATE ec2_task_disks SET status = $deleted, progress = NULL WHERE task_id = $id;";
        await using var update = SqliteStatement.Create(connection, transaction, sql,
            ("$id", taskId), ("$active", ImportTaskStatus.Active), ("$deleted", ImportTaskStatus.Deleted));
        await update.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Marks every disk of a task that completed as completed, its phase and progress cleared.</summary>
    internal static async Task CompleteAllAsync(SqliteConnection connection, SqliteTransaction transaction, string taskId, CancellationToken cancellationToken)
    {
        await using var update = SqliteStatement.Create(connection, transaction,
            "UPDATE ec2_task_disks SET status = $completed, status_message = NULL, progress = NULL WHERE task_id = $id;",
            ("$completed", ImportTaskStatus.Completed), ("$id", taskId));
        await update.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Marks the unfinished disks of a task that ended at once (cancelled before any worker took it) as <paramref name="status"/>.</summary>
    internal static async Task EndUnfinishedAsync(SqliteConnection connection, SqliteTransaction transaction, string taskId, string status, CancellationToken cancellationToken)
    {
        await using var update = SqliteStatement.Create(connection, transaction, """
            UPDATE ec2_task_disks SET status = $status, progress = NULL WHERE task_id = $id AND status NOT IN ($completed, $deleted);
            """, ("$status", status), ("$id", taskId), ("$completed", ImportTaskStatus.Completed), ("$deleted", ImportTaskStatus.Deleted));
        await update.ExecuteNonQueryAsync(cancellationToken);
    }

    private static TaskDiskRecord Read(SqliteDataReader reader) => new()
    {
        TaskId = reader.GetString(0),
        Position = reader.GetInt32(1),
        Format = reader.GetNullableString(2),
        SourceBucket = reader.GetNullableString(3),
        SourceKey = reader.GetNullableString(4),
        Url = reader.GetNullableString(5),
        Description = reader.GetNullableString(6),
        DeviceName = reader.GetNullableString(7),
        SourceSnapshotId = reader.GetNullableString(8),
        SnapshotId = reader.GetNullableString(9),
        Status = reader.GetString(10),
        StatusMessage = reader.GetNullableString(11),
        Progress = (int?)reader.GetNullableInt64(12),
        DiskImageSize = reader.GetInt64(13),
    };
}

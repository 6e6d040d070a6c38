using Microsoft.Data.Sqlite;
using Vmie.Ec2.Tasks;
using Vmie.Storage.Metadata;

namespace Vmie.Ec2.Persistence;

/// <summary>
/// The task table: creation (with the per-region active-task limit and client-token idempotency checked in
/// the same transaction), listings, cancellation requests, and the worker side (claim, heartbeat, stages,
/// completion, failure, hand-back). Every worker-side update is conditional on the caller still holding the
/// claim, so a worker whose task was taken over cannot overwrite the new owner's work.
/// </summary>
public sealed class ImportTaskRepository
{
    internal const string Columns = """
        seq, id, kind, account_id, region, status, status_message, progress, disk_image_size, description,
        request_json, source_bucket, source_key, source_snapshot_id, snapshot_id, result_json, client_token,
        request_fingerprint, cancel_reason, attempts, claimed_by, claimed_at, heartbeat_at, created_at, updated_at, finished_at
        """;

    private readonly MetadataDatabase _database;

    public ImportTaskRepository(MetadataDatabase database)
    {
        _database = database;
    }

    /// <summary>
    /// Inserts <paramref name="task"/> and its creation tags unless the client token is already taken
    /// (the existing task is returned) or <paramref name="maxActiveTasks"/> tasks of <paramref name="countedKinds"/>
    /// are already active or deleting in the task's account and region.
    /// </summary>
    public Task<ImportTaskInsertOutcome> InsertAsync(
        ImportTaskRecord task,
        IReadOnlyList<ResourceTag> tags,
        string tagResourceType,
        IReadOnlyList<string> countedKinds,
        int maxActiveTasks,
        CancellationToken cancellationToken = default) =>
        InsertAsync(task, [], tags, tagResourceType, countedKinds, maxActiveTasks, cancellationToken);

    /// <summary>
    /// Inserts an image task with its disks (in the same transaction), under the same rules as
    /// <see cref="InsertAsync(ImportTaskRecord, IReadOnlyList{ResourceTag}, string, IReadOnlyList{string}, int, CancellationToken)"/>.
    /// </summary>
    public async Task<ImportTaskInsertOutcome> InsertAsync(
        ImportTaskRecord task,
        IReadOnlyList<TaskDiskRecord> disks,
        IReadOnlyList<ResourceTag> tags,
        string tagResourceType,
        IReadOnlyList<string> countedKinds,
        int maxActiveTasks,
        CancellationToken cancellationToken = default)
    {
        if (disks.Any(d => d.TaskId != task.Id))
        {
            throw new ArgumentException($"Every disk must belong to task {task.Id}.", nameof(disks));
        }

        await using var connection = _database.OpenConnection();
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);

        if (task.ClientToken is not null)
        {
            var existing = await FindByClientTokenAsync(connection, transaction, task.AccountId, task.Region, task.Kind, task.ClientToken, cancellationToken);
            if (existing is not null)
            {
                return new ImportTaskInsertOutcome(ImportTaskInsertResult.ClientTokenTaken, existing, 0);
            }
        }

        await using (var count = SqliteStatement.Create(connection, transaction, "", ("$a", task.AccountId), ("$r", task.Region), ("$active", ImportTaskStatus.Active), ("$deleting", ImportTaskStatus.Deleting)))
        {
            var kinds = SqliteStatement.AddList(count, "k", countedKinds);
            count.CommandText = $"SELECT COUNT(*) FROM ec2_tasks WHERE account_id = $a AND region = $r AND status IN ($active, $deleting) AND kind IN ({kinds});";
            var active = (int)(long)(await count.ExecuteScalarAsync(cancellationToken))!;
            if (active >= maxActiveTasks)
            {
                return new ImportTaskInsertOutcome(ImportTaskInsertResult.ActiveTaskLimitReached, null, active);
            }
        }

        await using (var insert = SqliteStatement.Create(connection, transaction, """
            INSERT INTO ec2_tasks (id, kind, account_id, region, status, status_message, progress, disk_image_size, description,
                request_json, source_bucket, source_key, source_snapshot_id, snapshot_id, result_json, client_token,
                request_fingerprint, attempts, created_at, updated_at)
            VALUES ($id, $kind, $a, $r, $status, $message, $progress, $size, $description,
                $request, $bucket, $key, $sourceSnapshot, $snapshot, $result, $token,
                $fingerprint, 0, $now, $now);
            """,
            ("$id", task.Id), ("$kind", task.Kind), ("$a", task.AccountId), ("$r", task.Region), ("$status", task.Status),
            ("$message", task.StatusMessage), ("$progress", task.Progress), ("$size", task.DiskImageSize), ("$description", task.Description),
            ("$request", task.RequestJson), ("$bucket", task.SourceBucket), ("$key", task.SourceKey), ("$sourceSnapshot", task.SourceSnapshotId),
            ("$snapshot", task.SnapshotId), ("$result", task.ResultJson), ("$token", task.ClientToken), ("$fingerprint", task.RequestFingerprint),
            ("$now", SqliteStatement.ToUnixMilliseconds(task.CreatedAt))))
        {
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        await TagRepository.InsertAsync(connection, transaction, task.Id, tagResourceType, task.AccountId, task.Region, tags, cancellationToken);
        await TaskDiskRepository.InsertAsync(connection, transaction, disks, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new ImportTaskInsertOutcome(ImportTaskInsertResult.Inserted, null, 0);
    }

    public async Task<ImportTaskRecord?> FindAsync(string id, CancellationToken cancellationToken = default)
    {
        await using var connection = _database.OpenConnection();
        await using var command = SqliteStatement.Create(connection, null, $"SELECT {Columns} FROM ec2_tasks WHERE id = $id;", ("$id", id));
        return await ReadSingleAsync(command, cancellationToken);
    }

    public async Task<ImportTaskRecord?> FindByClientTokenAsync(string accountId, string region, string kind, string clientToken, CancellationToken cancellationToken = default)
    {
        await using var connection = _database.OpenConnection();
        return await FindByClientTokenAsync(connection, null, accountId, region, kind, clientToken, cancellationToken);
    }

    /// <summary>The tasks of one kind in an account and region whose IDs are listed (unknown IDs are absent).</summary>
    public async Task<IReadOnlyList<ImportTaskRecord>> FindManyAsync(string accountId, string region, string kind, IReadOnlyList<string> ids, CancellationToken cancellationToken = default)
    {
        if (ids.Count == 0)
        {
            return [];
        }

        await using var connection = _database.OpenConnection();
        await using var command = SqliteStatement.Create(connection, null, "", ("$a", accountId), ("$r", region), ("$kind", kind));
        var list = SqliteStatement.AddList(command, "id", ids);
        command.CommandText = $"SELECT {Columns} FROM ec2_tasks WHERE account_id = $a AND region = $r AND kind = $kind AND id IN ({list}) ORDER BY seq;";
        return await ReadAllAsync(command, cancellationToken);
    }

    /// <summary>Up to <paramref name="limit"/> tasks of one kind after sequence <paramref name="afterSequence"/>, in creation order.</summary>
    public async Task<IReadOnlyList<ImportTaskRecord>> ListAsync(string accountId, string region, string kind, long afterSequence, int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = _database.OpenConnection();
        await using var command = SqliteStatement.Create(connection, null,
            $"SELECT {Columns} FROM ec2_tasks WHERE account_id = $a AND region = $r AND kind = $kind AND seq > $after ORDER BY seq LIMIT $limit;",
            ("$a", accountId), ("$r", region), ("$kind", kind), ("$after", afterSequence), ("$limit", limit));
        return await ReadAllAsync(command, cancellationToken);
    }

    /// <summary>
    /// Asks for the cancellation of a task of the caller's account and region. A task no worker holds ends
    /// at once (deleted); a running one goes to deleting and its worker ends it. Returns null when the task
    /// does not exist; otherwise the state before and after (unchanged when the task had already ended or was
    /// already being cancelled).
    /// </summary>
    public async Task<ImportTaskCancelOutcome?> RequestCancelAsync(string id, string accountId, string region, string? reason, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var connection = _database.OpenConnection();
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        ImportTaskRecord? task;
        await using (var find = SqliteStatement.Create(connection, transaction,
            $"SELECT {Columns} FROM ec2_tasks WHERE id = $id AND account_id = $a AND region = $r;", ("$id", id), ("$a", accountId), ("$r", region)))
        {
            task = await ReadSingleAsync(find, cancellationToken);
        }

        if (task is null)
        {
            return null;
        }

        if (task.Status != ImportTaskStatus.Active)
        {
            return new ImportTaskCancelOutcome(task.Status, task.Status, task);
        }

        var endsNow = task.ClaimedBy is null;
        var newStatus = endsNow ? ImportTaskStatus.Deleted : ImportTaskStatus.Deleting;
        await using (var update = SqliteStatement.Create(connection, transaction, """
            UPDATE ec2_tasks SET status = $status, status_message = $message, cancel_reason = $reason, updated_at = $now,
                progress = CASE WHEN $ends THEN NULL ELSE progress END,
                finished_at = CASE WHEN $ends THEN $now ELSE finished_at END
            WHERE id = $id;
            """,
            ("$status", newStatus), ("$message", ImportTaskMessages.Cancelled), ("$reason", reason), ("$now", SqliteStatement.ToUnixMilliseconds(now)),
            ("$ends", endsNow), ("$id", id)))
        {
            await update.ExecuteNonQueryAsync(cancellationToken);
        }

        if (endsNow)
        {
            await TaskDiskRepository.EndUnfinishedAsync(connection, transaction, id, ImportTaskStatus.Deleted, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return new ImportTaskCancelOutcome(task.Status, newStatus, task);
    }

    /// <summary>
    /// Claims the oldest unclaimed active task of the given kinds for <paramref name="workerId"/>: attempts + 1,
    /// StatusMessage validating, and, for an import-snapshot task, <paramref name="newSnapshotId"/> recorded as the
    /// snapshot it will produce (an image task records its snapshots in its disks' rows as its run allocates them).
    /// </summary>
    public async Task<ImportTaskRecord?> TryClaimNextAsync(IReadOnlyList<string> kinds, string workerId, string? newSnapshotId, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var connection = _database.OpenConnection();
        await using var command = SqliteStatement.Create(connection, null, "",
            ("$w", workerId), ("$now", SqliteStatement.ToUnixMilliseconds(now)), ("$snapshot", newSnapshotId),
            ("$active", ImportTaskStatus.Active), ("$message", ImportTaskMessages.Validating), ("$snapshotKind", ImportTaskKind.ImportSnapshot));
        var kindList = SqliteStatement.AddList(command, "k", kinds);
        command.CommandText = $"""
            UPDATE ec2_tasks SET claimed_by = $w, claimed_at = $now, heartbeat_at = $now, updated_at = $now,
                attempts = attempts + 1, status_message = $message,
                snapshot_id = CASE WHEN kind = $snapshotKind THEN COALESCE($snapshot, snapshot_id) ELSE snapshot_id END
            WHERE seq = (SELECT seq FROM ec2_tasks WHERE status = $active AND claimed_by IS NULL AND kind IN ({kindList}) ORDER BY seq LIMIT 1)
            RETURNING {Columns};
            """;
        return await ReadSingleAsync(command, cancellationToken);
    }

    /// <summary>
    /// Records that the worker is alive and, when given, its progress (never lowered). Returns the task's
    /// status, or null when the worker no longer holds the claim.
    /// </summary>
    public async Task<string?> HeartbeatAsync(string id, string workerId, int? progress, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var connection = _database.OpenConnection();
        await using var command = SqliteStatement.Create(connection, null, """
            UPDATE ec2_tasks SET heartbeat_at = $now, updated_at = $now,
                progress = CASE WHEN $progress IS NULL OR status <> $active THEN progress ELSE MAX(COALESCE(progress, 0), $progress) END
            WHERE id = $id AND claimed_by = $w
            RETURNING status;
            """,
            ("$now", SqliteStatement.ToUnixMilliseconds(now)), ("$progress", progress), ("$active", ImportTaskStatus.Active), ("$id", id), ("$w", workerId));
        return await command.ExecuteScalarAsync(cancellationToken) as string;
    }

    /// <summary>Moves a held, active task to another phase (StatusMessage) and optionally records the source size.</summary>
    public async Task<bool> SetStageAsync(string id, string workerId, string statusMessage, long? diskImageSize, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var connection = _database.OpenConnection();
        await using var command = SqliteStatement.Create(connection, null, """
            UPDATE ec2_tasks SET status_message = $message, disk_image_size = COALESCE($size, disk_image_size), heartbeat_at = $now, updated_at = $now
            WHERE id = $id AND claimed_by = $w AND status = $active;
            """,
            ("$message", statusMessage), ("$size", diskImageSize), ("$now", SqliteStatement.ToUnixMilliseconds(now)), ("$id", id), ("$w", workerId), ("$active", ImportTaskStatus.Active));
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>
    /// Ends a held, still active task as completed and creates its snapshot row, atomically. Returns false
    /// (and changes nothing) when the task was cancelled meanwhile or the claim was lost.
    /// </summary>
    public async Task<bool> CompleteWithSnapshotAsync(string id, string workerId, SnapshotRecord snapshot, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var connection = _database.OpenConnection();
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using (var update = SqliteStatement.Create(connection, transaction, """
            UPDATE ec2_tasks SET status = $completed, status_message = NULL, progress = NULL, claimed_by = NULL, heartbeat_at = NULL,
                snapshot_id = $snapshot, finished_at = $now, updated_at = $now
            WHERE id = $id AND claimed_by = $w AND status = $active;
            """,
            ("$completed", ImportTaskStatus.Completed), ("$snapshot", snapshot.Id), ("$now", SqliteStatement.ToUnixMilliseconds(now)),
            ("$id", id), ("$w", workerId), ("$active", ImportTaskStatus.Active)))
        {
            if (await update.ExecuteNonQueryAsync(cancellationToken) != 1)
            {
                return false;
            }
        }

        await SnapshotRepository.InsertAsync(connection, transaction, snapshot, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>
    /// Ends a held, still active image task as completed, atomically: the task (its decisions, with the AMI's ID, as
    /// result_json), its disks, the snapshot rows and the AMI with its block device mappings. Returns false (and
    /// changes nothing) when the task was cancelled meanwhile or the claim was lost.
    /// </summary>
    /// <exception cref="InvalidOperationException">The AMI could not be created (its name is taken); nothing is written.</exception>
    public async Task<bool> CompleteWithImageAsync(string id, string workerId, string resultJson, IReadOnlyList<SnapshotRecord> snapshots, ImageRecord image, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var connection = _database.OpenConnection();
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using (var update = SqliteStatement.Create(connection, transaction, """
            UPDATE ec2_tasks SET status = $completed, status_message = NULL, progress = NULL, claimed_by = NULL, heartbeat_at = NULL,
                result_json = $result, finished_at = $now, updated_at = $now
            WHERE id = $id AND claimed_by = $w AND status = $active;
            """,
            ("$completed", ImportTaskStatus.Completed), ("$result", resultJson), ("$now", SqliteStatement.ToUnixMilliseconds(now)),
            ("$id", id), ("$w", workerId), ("$active", ImportTaskStatus.Active)))
        {
            if (await update.ExecuteNonQueryAsync(cancellationToken) != 1)
            {
                return false;
            }
        }

        foreach (var snapshot in snapshots)
        {
            await SnapshotRepository.InsertAsync(connection, transaction, snapshot, cancellationToken);
        }

        var inserted = await ImageRepository.InsertAsync(connection, transaction, image, [], cancellationToken);
        if (inserted.Result != ImageInsertResult.Inserted)
        {
            throw new InvalidOperationException($"The AMI {image.Id} of task {id} could not be created: {inserted.Result} ({inserted.Conflict}).");
        }

        await TaskDiskRepository.CompleteAllAsync(connection, transaction, id, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>
    /// Ends a held task as deleted. A task being cancelled keeps its cancellation message; any other gets
    /// <paramref name="statusMessage"/>. The snapshot the run was writing (possibly committed already, when
    /// only recording the completion failed) is queued for release in the same transaction. Returns false
    /// (and changes nothing) when the worker no longer holds the task.
    /// </summary>
    public async Task<bool> EndDeletedAsync(string id, string workerId, string statusMessage, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var connection = _database.OpenConnection();
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await QueueHeldRunSnapshotReleaseAsync(connection, transaction, id, workerId, now, cancellationToken);
        await using (var command = SqliteStatement.Create(connection, transaction, """
            UPDATE ec2_tasks SET status = $deleted,
                status_message = CASE WHEN status = $deleting THEN COALESCE(status_message, $message) ELSE $message END,
                progress = NULL, claimed_by = NULL, heartbeat_at = NULL, finished_at = $now, updated_at = $now
            WHERE id = $id AND claimed_by = $w AND status IN ($active, $deleting);
            """,
            ("$deleted", ImportTaskStatus.Deleted), ("$deleting", ImportTaskStatus.Deleting), ("$active", ImportTaskStatus.Active),
            ("$message", statusMessage), ("$now", SqliteStatement.ToUnixMilliseconds(now)), ("$id", id), ("$w", workerId)))
        {
            if (await command.ExecuteNonQueryAsync(cancellationToken) != 1)
            {
                return false;
            }
        }

        await TaskDiskRepository.EndRunAsync(connection, transaction, id, requeued: false, now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>
    /// Gives a held task back to the queue (the worker is stopping): it starts again from the beginning with a
    /// new snapshot ID, and the interrupted run does not count as an attempt. A task being cancelled ends
    /// deleted instead. Either way the snapshot the run was writing is queued for release in the same
    /// transaction. Returns false (and changes nothing) when the worker no longer holds the task.
    /// </summary>
    public async Task<bool> ReleaseClaimAsync(string id, string workerId, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var connection = _database.OpenConnection();
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await QueueHeldRunSnapshotReleaseAsync(connection, transaction, id, workerId, now, cancellationToken);
        await using (var command = SqliteStatement.Create(connection, transaction, """
            UPDATE ec2_tasks SET
                status = CASE WHEN status = $deleting THEN $deleted ELSE status END,
                status_message = CASE WHEN status = $deleting THEN status_message ELSE $pending END,
                progress = CASE WHEN status = $deleting THEN NULL WHEN kind = $imageKind THEN $imageInitialProgress ELSE $initialProgress END,
                finished_at = CASE WHEN status = $deleting THEN $now ELSE NULL END,
                attempts = CASE WHEN status = $deleting THEN attempts ELSE MAX(attempts - 1, 0) END,
                disk_image_size = 0, snapshot_id = NULL, claimed_by = NULL, heartbeat_at = NULL, updated_at = $now
            WHERE id = $id AND claimed_by = $w AND status IN ($active, $deleting)
            RETURNING status;
            """,
            ("$deleting", ImportTaskStatus.Deleting), ("$deleted", ImportTaskStatus.Deleted), ("$active", ImportTaskStatus.Active),
            ("$pending", ImportTaskMessages.Pending), ("$initialProgress", ImportProgress.Initial),
            ("$imageKind", ImportTaskKind.ImportImage), ("$imageInitialProgress", ImportProgress.ImageInitial),
            ("$now", SqliteStatement.ToUnixMilliseconds(now)), ("$id", id), ("$w", workerId)))
        {
            if (await command.ExecuteScalarAsync(cancellationToken) is not string status)
            {
                return false;
            }

            await TaskDiskRepository.EndRunAsync(connection, transaction, id, requeued: status == ImportTaskStatus.Active, now, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>Tasks held by a worker that have not ended.</summary>
    public async Task<IReadOnlyList<ImportTaskRecord>> ListClaimedAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = _database.OpenConnection();
        await using var command = SqliteStatement.Create(connection, null,
            $"SELECT {Columns} FROM ec2_tasks WHERE claimed_by IS NOT NULL AND status IN ($active, $deleting) ORDER BY seq;",
            ("$active", ImportTaskStatus.Active), ("$deleting", ImportTaskStatus.Deleting));
        return await ReadAllAsync(command, cancellationToken);
    }

    /// <summary>
    /// Takes an orphaned claim away from its dead worker, provided nothing changed since <paramref name="orphan"/>
    /// was read (same holder, same heartbeat): re-queues it (<paramref name="endMessage"/> null) or ends it deleted.
    /// A task that was being cancelled always ends deleted with its cancellation message. The partial snapshot
    /// the worker was writing is queued for release in the same transaction.
    /// </summary>
    public async Task<bool> RecoverOrphanAsync(ImportTaskRecord orphan, string? endMessage, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var end = endMessage is not null || orphan.Status == ImportTaskStatus.Deleting;
        var message = orphan.Status == ImportTaskStatus.Deleting ? orphan.StatusMessage ?? ImportTaskMessages.Cancelled : endMessage;
        await using var connection = _database.OpenConnection();
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using (var command = SqliteStatement.Create(connection, transaction, """
            UPDATE ec2_tasks SET
                status = CASE WHEN $end THEN $deleted ELSE $active END,
                status_message = CASE WHEN $end THEN $message ELSE $pending END,
                progress = CASE WHEN $end THEN NULL WHEN kind = $imageKind THEN $imageInitialProgress ELSE $initialProgress END,
                finished_at = CASE WHEN $end THEN $now ELSE NULL END,
                disk_image_size = 0, snapshot_id = NULL, claimed_by = NULL, heartbeat_at = NULL, updated_at = $now
            WHERE id = $id AND claimed_by = $holder AND heartbeat_at IS $heartbeat AND status = $status;
            """,
            ("$end", end), ("$deleted", ImportTaskStatus.Deleted), ("$active", ImportTaskStatus.Active), ("$message", message),
            ("$pending", ImportTaskMessages.Pending), ("$initialProgress", ImportProgress.Initial), ("$now", SqliteStatement.ToUnixMilliseconds(now)),
            ("$imageKind", ImportTaskKind.ImportImage), ("$imageInitialProgress", ImportProgress.ImageInitial),
            ("$id", orphan.Id), ("$holder", orphan.ClaimedBy), ("$status", orphan.Status),
            ("$heartbeat", orphan.HeartbeatAt is { } heartbeat ? SqliteStatement.ToUnixMilliseconds(heartbeat) : null)))
        {
            if (await command.ExecuteNonQueryAsync(cancellationToken) != 1)
            {
                return false;
            }
        }

        if (orphan.SnapshotId is not null)
        {
            await SnapshotRepository.QueueReleaseAsync(connection, transaction, orphan.SnapshotId, now, cancellationToken);
        }

        await TaskDiskRepository.EndRunAsync(connection, transaction, orphan.Id, requeued: !end, now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>
    /// Queues the snapshot a held task's run writes (its snapshot_id) for release, unless that snapshot was
    /// completed into ec2_snapshots. Called inside the transaction that ends or hands back the task, so the
    /// contents of a run that did not complete are never forgotten, even when they were already committed in
    /// the snapshot store. A snapshot that was never begun costs a no-op release.
    /// </summary>
    private static async Task QueueHeldRunSnapshotReleaseAsync(SqliteConnection connection, SqliteTransaction transaction, string id, string workerId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = SqliteStatement.Create(connection, transaction, """
            INSERT INTO ec2_snapshot_releases (snapshot_id, requested_at)
            SELECT t.snapshot_id, $now FROM ec2_tasks AS t
            WHERE t.id = $id AND t.claimed_by = $w AND t.status IN ($active, $deleting) AND t.snapshot_id IS NOT NULL
                AND NOT EXISTS (SELECT 1 FROM ec2_snapshots AS s WHERE s.id = t.snapshot_id)
            ON CONFLICT(snapshot_id) DO NOTHING;
            """,
            ("$now", SqliteStatement.ToUnixMilliseconds(now)), ("$id", id), ("$w", workerId),
            ("$active", ImportTaskStatus.Active), ("$deleting", ImportTaskStatus.Deleting));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    internal static async Task<ImportTaskRecord?> FindByClientTokenAsync(SqliteConnection connection, SqliteTransaction? transaction, string accountId, string region, string kind, string clientToken, CancellationToken cancellationToken)
    {
        await using var command = SqliteStatement.Create(connection, transaction,
            $"SELECT {Columns} FROM ec2_tasks WHERE account_id = $a AND region = $r AND kind = $kind AND client_token = $token;",
            ("$a", accountId), ("$r", region), ("$kind", kind), ("$token", clientToken));
        return await ReadSingleAsync(command, cancellationToken);
    }

    private static async Task<ImportTaskRecord?> ReadSingleAsync(SqliteCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    private static async Task<IReadOnlyList<ImportTaskRecord>> ReadAllAsync(SqliteCommand command, CancellationToken cancellationToken)
    {
        var tasks = new List<ImportTaskRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            tasks.Add(Read(reader));
        }

        return tasks;
    }

    private static ImportTaskRecord Read(SqliteDataReader reader) => new()
    {
        Sequence = reader.GetInt64(0),
        Id = reader.GetString(1),
        Kind = reader.GetString(2),
        AccountId = reader.GetString(3),
        Region = reader.GetString(4),
        Status = reader.GetString(5),
        StatusMessage = reader.GetNullableString(6),
        Progress = (int?)reader.GetNullableInt64(7),
        DiskImageSize = reader.GetInt64(8),
        Description = reader.GetNullableString(9),
        RequestJson = reader.GetString(10),
        SourceBucket = reader.GetNullableString(11),
        SourceKey = reader.GetNullableString(12),
        SourceSnapshotId = reader.GetNullableString(13),
        SnapshotId = reader.GetNullableString(14),
        ResultJson = reader.GetNullableString(15),
        ClientToken = reader.GetNullableString(16),
        RequestFingerprint = reader.GetNullableString(17),
        CancelReason = reader.GetNullableString(18),
        Attempts = reader.GetInt32(19),
        ClaimedBy = reader.GetNullableString(20),
        ClaimedAt = reader.GetNullableTime(21),
        HeartbeatAt = reader.GetNullableTime(22),
        CreatedAt = reader.GetTime(23),
        UpdatedAt = reader.GetTime(24),
        FinishedAt = reader.GetNullableTime(25),
    };
}

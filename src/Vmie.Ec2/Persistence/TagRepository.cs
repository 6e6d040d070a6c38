using Microsoft.Data.Sqlite;
using Vmie.Ec2.Resources;
using Vmie.Storage.Metadata;

namespace Vmie.Ec2.Persistence;

/// <summary>
/// Tags of every resource kind in one table. Writes check, in the same transaction, that each resource
/// exists in the caller's account and region and that no resource ends with more tags than allowed.
/// </summary>
public sealed class TagRepository
{
    private readonly MetadataDatabase _database;

    public TagRepository(MetadataDatabase database)
    {
        _database = database;
    }

    /// <summary>Tags of the listed resources, by resource ID, each list ordered by key.</summary>
    public async Task<IReadOnlyDictionary<string, IReadOnlyList<ResourceTag>>> GetAsync(IReadOnlyCollection<string> resourceIds, CancellationToken cancellationToken = default)
    {
        var result = new Dictionary<string, IReadOnlyList<ResourceTag>>(StringComparer.Ordinal);
        if (resourceIds.Count == 0)
        {
            return result;
        }

        var lists = new Dictionary<string, List<ResourceTag>>(StringComparer.Ordinal);
        await using var connection = _database.OpenConnection();
        foreach (var chunk in resourceIds.Distinct(StringComparer.Ordinal).Chunk(500))
        {
            await using var command = SqliteStatement.Create(connection, null, "");
            var list = SqliteStatement.AddList(command, "id", chunk);
            command.CommandText = $"SELECT resource_id, key, value FROM ec2_tags WHERE resource_id IN ({list}) ORDER BY resource_id, key;";
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var id = reader.GetString(0);
                if (!lists.TryGetValue(id, out var tags))
                {
                    lists[id] = tags = [];
                }

                tags.Add(new ResourceTag(reader.GetString(1), reader.GetString(2)));
            }
        }

        foreach (var (id, tags) in lists)
        {
            result[id] = tags;
        }

        return result;
    }

    /// <summary>The first of <paramref name="resourceIds"/> that does not exist in the account and region, or null.</summary>
    public async Task<string?> FindMissingAsync(string accountId, string region, IReadOnlyList<string> resourceIds, CancellationToken cancellationToken = default)
    {
        await using var connection = _database.OpenConnection();
        foreach (var resourceId in resourceIds)
        {
            if (!await ExistsAsync(connection, null, ResourceKind.FromPrefix(resourceId)!, resourceId, accountId, region, cancellationToken))
            {
                return resourceId;
            }
        }

        return null;
    }

    /// <summary>
    /// Adds or overwrites <paramref name="tags"/> on every listed resource, all or nothing.
    /// </summary>
    public async Task<TagWriteOutcome> CreateAsync(string accountId, string region, IReadOnlyList<string> resourceIds, IReadOnlyList<ResourceTag> tags, int maxTagsPerResource, CancellationToken cancellationToken = default)
    {
        await using var connection = _database.OpenConnection();
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        foreach (var resourceId in resourceIds)
        {
            var kind = ResourceKind.FromPrefix(resourceId)!;
            if (!await ExistsAsync(connection, transaction, kind, resourceId, accountId, region, cancellationToken))
            {
                return new TagWriteOutcome(TagWriteResult.ResourceNotFound, resourceId);
            }

            await InsertAsync(connection, transaction, resourceId, kind.ResourceType, accountId, region, tags, cancellationToken);
            await using var count = SqliteStatement.Create(connection, transaction, "SELECT COUNT(*) FROM ec2_tags WHERE resource_id = $id;", ("$id", resourceId));
            if ((long)(await count.ExecuteScalarAsync(cancellationToken))! > maxTagsPerResource)
            {
                return new TagWriteOutcome(TagWriteResult.TagLimitExceeded, resourceId);
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return new TagWriteOutcome(TagWriteResult.Done, null);
    }

    /// <summary>
    /// Deletes tags from every listed resource: all of them when <paramref name="tags"/> is null; otherwise each
    /// key, only where the value matches when a value is given.
    /// </summary>
    public async Task<TagWriteOutcome> DeleteAsync(string accountId, string region, IReadOnlyList<string> resourceIds, IReadOnlyList<TagDeletion>? tags, CancellationToken cancellationToken = default)
    {
        await using var connection = _database.OpenConnection();
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        foreach (var resourceId in resourceIds)
        {
            var kind = ResourceKind.FromPrefix(resourceId)!;
            if (!await ExistsAsync(connection, transaction, kind, resourceId, accountId, region, cancellationToken))
            {
                return new TagWriteOutcome(TagWriteResult.ResourceNotFound, resourceId);
            }

            if (tags is null)
            {
                await using var all = SqliteStatement.Create(connection, transaction, "DELETE FROM ec2_tags WHERE resource_id = $id;", ("$id", resourceId));
                await all.ExecuteNonQueryAsync(cancellationToken);
                continue;
            }

            foreach (var tag in tags)
            {
                await using var one = SqliteStatement.Create(connection, transaction,
                    "DELETE FROM ec2_tags WHERE resource_id = $id AND key = $key AND ($value IS NULL OR value = $value);",
                    ("$id", resourceId), ("$key", tag.Key), ("$value", tag.Value));
                await one.ExecuteNonQueryAsync(cancellationToken);
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return new TagWriteOutcome(TagWriteResult.Done, null);
    }

    /// <summary>Up to <paramref name="limit"/> tags of an account and region after the given (resource, key) position.</summary>
    public async Task<IReadOnlyList<TagRow>> ListAsync(string accountId, string region, string afterResourceId, string afterKey, int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = _database.OpenConnection();
        await using var command = SqliteStatement.Create(connection, null, """
            SELECT resource_id, resource_type, key, value FROM ec2_tags
            WHERE account_id = $a AND region = $r AND (resource_id > $afterId OR (resource_id = $afterId AND key > $afterKey))
            ORDER BY resource_id, key LIMIT $limit;
            """,
            ("$a", accountId), ("$r", region), ("$afterId", afterResourceId), ("$afterKey", afterKey), ("$limit", limit));
        var rows = new List<TagRow>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new TagRow(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3)));
        }

        return rows;
    }

    internal static async Task InsertAsync(SqliteConnection connection, SqliteTransaction transaction, string resourceId, string resourceType, string accountId, string region, IReadOnlyList<ResourceTag> tags, CancellationToken cancellationToken)
    {
        foreach (var tag in tags)
        {
            await using var command = SqliteStatement.Create(connection, transaction, """
                INSERT INTO ec2_tags (resource_id, key, value, resource_type, account_id, region) VALUES ($id, $key, $value, $type, $a, $r)
                ON CONFLICT(resource_id, key) DO UPDATE SET value = excluded.value;
                """,
                ("$id", resourceId), ("$key", tag.Key), ("$value", tag.Value), ("$type", resourceType), ("$a", accountId), ("$r", region));
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    // Only kinds this vmie stores can exist; IDs of the others (instances) are never found.
    private static async Task<bool> ExistsAsync(SqliteConnection connection, SqliteTransaction? transaction, ResourceKind kind, string id, string accountId, string region, CancellationToken cancellationToken)
    {
        string table;
        if (kind == ResourceKind.Snapshot)
        {
            table = "ec2_snapshots";
        }
        else if (kind == ResourceKind.Image)
        {
            table = "ec2_images";
        }
        else if (kind == ResourceKind.Volume)
        {
            table = "ec2_volumes";
        }
        else if (kind == ResourceKind.ImportSnapshotTask || kind == ResourceKind.ImportImageTask || kind == ResourceKind.ExportImageTask || kind == ResourceKind.ExportInstanceTask)
        {
            table = "ec2_tasks";
        }
        else
        {
            return false;
        }

        await using var command = SqliteStatement.Create(connection, transaction,
            $"SELECT 1 FROM {table} WHERE id = $id AND account_id = $a AND region = $r;", ("$id", id), ("$a", accountId), ("$r", region));
        return await command.ExecuteScalarAsync(cancellationToken) is not null;
    }
}

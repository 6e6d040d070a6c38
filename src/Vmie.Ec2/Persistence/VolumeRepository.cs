using Microsoft.Data.Sqlite;
using Vmie.Ec2.Resources;
using Vmie.Storage.Metadata;

namespace Vmie.Ec2.Persistence;

/// <summary>EBS volumes (metadata only, see <see cref="VolumeRecord"/>), with client-token idempotency on creation.</summary>
public sealed class VolumeRepository
{
    private const string Columns = """
        seq, id, account_id, region, availability_zone, size, snapshot_id, state, volume_type, iops, throughput, encrypted, kms_key_id,
        multi_attach_enabled, client_token, request_fingerprint, create_time
        """;

    private readonly MetadataDatabase _database;

    public VolumeRepository(MetadataDatabase database)
    {
        _database = database;
    }

    /// <summary>
    /// Creates <paramref name="volume"/> with its creation tags unless its client token already made a volume
    /// in the account and region (that volume is returned).
    /// </summary>
    public async Task<VolumeInsertOutcome> InsertAsync(VolumeRecord volume, IReadOnlyList<ResourceTag> tags, CancellationToken cancellationToken = default)
    {
        await using var connection = _database.OpenConnection();
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        if (volume.ClientToken is not null
            && await FindByClientTokenAsync(connection, transaction, volume.AccountId, volume.Region, volume.ClientToken, cancellationToken) is { } existing)
        {
            return new VolumeInsertOutcome(VolumeInsertResult.ClientTokenTaken, existing);
        }

        await using (var insert = SqliteStatement.Create(connection, transaction, """
            INSERT INTO ec2_volumes (id, account_id, region, availability_zone, size, snapshot_id, state, volume_type, iops, throughput,
                encrypted, kms_key_id, multi_attach_enabled, client_token, request_fingerprint, create_time)
            VALUES ($id, $a, $r, $zone, $size, $snapshot, $state, $type, $iops, $throughput,
                $encrypted, $kms, $multiAttach, $token, $fingerprint, $created);
            """,
            ("$id", volume.Id), ("$a", volume.AccountId), ("$r", volume.Region), ("$zone", volume.AvailabilityZone), ("$size", volume.Size),
            ("$snapshot", volume.SnapshotId), ("$state", volume.State), ("$type", volume.VolumeType), ("$iops", volume.Iops),
            ("$throughput", volume.Throughput), ("$encrypted", volume.Encrypted), ("$kms", volume.KmsKeyId),
            ("$multiAttach", volume.MultiAttachEnabled), ("$token", volume.ClientToken), ("$fingerprint", volume.RequestFingerprint),
            ("$created", SqliteStatement.ToUnixMilliseconds(volume.CreateTime))))
        {
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        await TagRepository.InsertAsync(connection, transaction, volume.Id, ResourceKind.Volume.ResourceType, volume.AccountId, volume.Region, tags, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new VolumeInsertOutcome(VolumeInsertResult.Inserted, null);
    }

    public async Task<VolumeRecord?> FindByClientTokenAsync(string accountId, string region, string clientToken, CancellationToken cancellationToken = default)
    {
        await using var connection = _database.OpenConnection();
        return await FindByClientTokenAsync(connection, null, accountId, region, clientToken, cancellationToken);
    }

    /// <summary>The volumes of an account and region whose IDs are listed, in creation order (unknown IDs are absent).</summary>
    public async Task<IReadOnlyList<VolumeRecord>> FindManyAsync(string accountId, string region, IReadOnlyList<string> ids, CancellationToken cancellationToken = default)
    {
        if (ids.Count == 0)
        {
            return [];
        }

        await using var connection = _database.OpenConnection();
        await using var command = SqliteStatement.Create(connection, null, "", ("$a", accountId), ("$r", region));
        var list = SqliteStatement.AddList(command, "id", ids);
        command.CommandText = $"SELECT {Columns} FROM ec2_volumes WHERE account_id = $a AND region = $r AND id IN ({list}) ORDER BY seq;";
        return await ReadAllAsync(command, cancellationToken);
    }

    /// <summary>Up to <paramref name="limit"/> volumes of an account and region after sequence <paramref name="afterSequence"/>, in creation order.</summary>
    public async Task<IReadOnlyList<VolumeRecord>> ListAsync(string accountId, string region, long afterSequence, int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = _database.OpenConnection();
        await using var command = SqliteStatement.Create(connection, null,
            $"SELECT {Columns} FROM ec2_volumes WHERE account_id = $a AND region = $r AND seq > $after ORDER BY seq LIMIT $limit;",
            ("$a", accountId), ("$r", region), ("$after", afterSequence), ("$limit", limit));
        return await ReadAllAsync(command, cancellationToken);
    }

    /// <summary>Deletes a volume of the caller's account and region with its tags; false when there is no such volume.</summary>
    public async Task<bool> DeleteAsync(string id, string accountId, string region, CancellationToken cancellationToken = default)
    {
        await using var connection = _database.OpenConnection();
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using (var delete = SqliteStatement.Create(connection, transaction,
            "DELETE FROM ec2_volumes WHERE id = $id AND account_id = $a AND region = $r;", ("$id", id), ("$a", accountId), ("$r", region)))
        {
            if (await delete.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                return false;
            }
        }

        await using (var tags = SqliteStatement.Create(connection, transaction, "DELETE FROM ec2_tags WHERE resource_id = $id;", ("$id", id)))
        {
            await tags.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    private static async Task<VolumeRecord?> FindByClientTokenAsync(SqliteConnection connection, SqliteTransaction? transaction, string accountId, string region, string clientToken, CancellationToken cancellationToken)
    {
        await using var command = SqliteStatement.Create(connection, transaction,
            $"SELECT {Columns} FROM ec2_volumes WHERE account_id = $a AND region = $r AND client_token = $token;",
            ("$a", accountId), ("$r", region), ("$token", clientToken));
        return (await ReadAllAsync(command, cancellationToken)).SingleOrDefault();
    }

    private static async Task<IReadOnlyList<VolumeRecord>> ReadAllAsync(SqliteCommand command, CancellationToken cancellationToken)
    {
        var volumes = new List<VolumeRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            volumes.Add(new VolumeRecord
            {
                Sequence = reader.GetInt64(0),
                Id = reader.GetString(1),
                AccountId = reader.GetString(2),
                Region = reader.GetString(3),
                AvailabilityZone = reader.GetString(4),
                Size = reader.GetInt32(5),
                SnapshotId = reader.GetNullableString(6),
                State = reader.GetString(7),
                VolumeType = reader.GetString(8),
                Iops = (int?)reader.GetNullableInt64(9),
                Throughput = (int?)reader.GetNullableInt64(10),
                Encrypted = reader.GetBoolean(11),
                KmsKeyId = reader.GetNullableString(12),
                MultiAttachEnabled = reader.GetBoolean(13),
                ClientToken = reader.GetNullableString(14),
                RequestFingerprint = reader.GetNullableString(15),
                CreateTime = reader.GetTime(16),
            });
        }

        return volumes;
    }
}

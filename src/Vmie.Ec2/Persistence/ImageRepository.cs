using Microsoft.Data.Sqlite;
using Vmie.Storage.Metadata;

namespace Vmie.Ec2.Persistence;

/// <summary>
/// AMIs and their block device mappings. Creation checks, in the same transaction, that the name is free in
/// the account and region and that every mapped snapshot is a completed snapshot of the account and region,
/// so that DeleteSnapshot (which refuses snapshots an AMI maps) can never leave an AMI without its snapshot.
/// </summary>
public sealed class ImageRepository
{
    private const string Columns = """
        seq, id, account_id, region, name, description, state, architecture, platform, platform_details, usage_operation,
        boot_mode, ena_support, tpm_support, imds_support, root_device_name, root_device_type, virtualization_type, hypervisor,
        image_type, creation_date, source_task_id
        """;

    private readonly MetadataDatabase _database;

    public ImageRepository(MetadataDatabase database)
    {
        _database = database;
    }

    /// <summary>Creates <paramref name="image"/> with its block devices and creation tags, all or nothing.</summary>
    public async Task<ImageInsertOutcome> InsertAsync(ImageRecord image, IReadOnlyList<ResourceTag> tags, CancellationToken cancellationToken = default)
    {
        await using var connection = _database.OpenConnection();
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        var outcome = await InsertAsync(connection, transaction, image, tags, cancellationToken);
        if (outcome.Result == ImageInsertResult.Inserted)
        {
            await transaction.CommitAsync(cancellationToken);
        }

        return outcome;
    }

    /// <summary>The AMIs of an account and region whose IDs are listed, in creation order (unknown IDs are absent).</summary>
    public async Task<IReadOnlyList<ImageRecord>> FindManyAsync(string accountId, string region, IReadOnlyList<string> ids, CancellationToken cancellationToken = default)
    {
        if (ids.Count == 0)
        {
            return [];
        }

        await using var connection = _database.OpenConnection();
        await using var command = SqliteStatement.Create(connection, null, "", ("$a", accountId), ("$r", region));
        var list = SqliteStatement.AddList(command, "id", ids);
        command.CommandText = $"SELECT {Columns} FROM ec2_images WHERE account_id = $a AND region = $r AND id IN ({list}) ORDER BY seq;";
        return await ReadAllAsync(connection, command, cancellationToken);
    }

    /// <summary>Up to <paramref name="limit"/> AMIs of an account and region after sequence <paramref name="afterSequence"/>, in creation order.</summary>
    public async Task<IReadOnlyList<ImageRecord>> ListAsync(string accountId, string region, long afterSequence, int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = _database.OpenConnection();
        await using var command = SqliteStatement.Create(connection, null,
            $"SELECT {Columns} FROM ec2_images WHERE account_id = $a AND region = $r AND seq > $after ORDER BY seq LIMIT $limit;",
            ("$a", accountId), ("$r", region), ("$after", afterSequence), ("$limit", limit));
        return await ReadAllAsync(connection, command, cancellationToken);
    }

    /// <summary>
    /// Deregisters an AMI of the caller's account and region: the AMI, its mappings and its tags go; its
    /// snapshots stay. Returns false when no such AMI exists.
    /// </summary>
    public async Task<bool> DeleteAsync(string id, string accountId, string region, CancellationToken cancellationToken = default)
    {
        await using var connection = _database.OpenConnection();
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using (var delete = SqliteStatement.Create(connection, transaction,
            "DELETE FROM ec2_images WHERE id = $id AND account_id = $a AND region = $r;", ("$id", id), ("$a", accountId), ("$r", region)))
        {
            if (await delete.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                return false;
            }
        }

        await using (var mappings = SqliteStatement.Create(connection, transaction, """
            DELETE FROM ec2_image_block_devices WHERE image_id = $id;
            DELETE FROM ec2_tags WHERE resource_id = $id;
            """, ("$id", id)))
        {
            await mappings.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>
    /// Creates an AMI inside the caller's transaction, so that the ImportImage pipeline can complete its task
    /// and create the AMI atomically (as <see cref="ImportTaskRepository.CompleteWithSnapshotAsync"/> does for a
    /// snapshot). Nothing is written unless the outcome is <see cref="ImageInsertResult.Inserted"/>; snapshots
    /// inserted earlier in the same transaction count as existing. The caller commits.
    /// </summary>
    internal static async Task<ImageInsertOutcome> InsertAsync(SqliteConnection connection, SqliteTransaction transaction, ImageRecord image, IReadOnlyList<ResourceTag> tags, CancellationToken cancellationToken)
    {
        if (!image.BlockDevices.Any(d => d.DeviceName == image.RootDeviceName))
        {
            throw new ArgumentException($"The root device {image.RootDeviceName} of {image.Id} has no block device mapping.", nameof(image));
        }

        await using (var name = SqliteStatement.Create(connection, transaction,
            "SELECT id FROM ec2_images WHERE account_id = $a AND region = $r AND name = $name;",
            ("$a", image.AccountId), ("$r", image.Region), ("$name", image.Name)))
        {
            if (await name.ExecuteScalarAsync(cancellationToken) is string holder)
            {
                return new ImageInsertOutcome(ImageInsertResult.NameTaken, holder);
            }
        }

        foreach (var device in image.BlockDevices)
        {
            await using var snapshot = SqliteStatement.Create(connection, transaction,
                "SELECT 1 FROM ec2_snapshots WHERE id = $id AND account_id = $a AND region = $r AND state = 'completed';",
                ("$id", device.SnapshotId), ("$a", image.AccountId), ("$r", image.Region));
            if (await snapshot.ExecuteScalarAsync(cancellationToken) is null)
            {
                return new ImageInsertOutcome(ImageInsertResult.SnapshotNotFound, device.SnapshotId);
            }
        }

        await using (var insert = SqliteStatement.Create(connection, transaction, """
            INSERT INTO ec2_images (id, account_id, region, name, description, state, architecture, platform, platform_details, usage_operation,
                boot_mode, ena_support, tpm_support, imds_support, root_device_name, root_device_type, virtualization_type, hypervisor,
                image_type, creation_date, source_task_id)
            VALUES ($id, $a, $r, $name, $description, $state, $architecture, $platform, $platformDetails, $usageOperation,
                $bootMode, $ena, $tpm, $imds, $rootDevice, $rootDeviceType, $virtualization, $hypervisor,
                $imageType, $created, $task);
            """,
            ("$id", image.Id), ("$a", image.AccountId), ("$r", image.Region), ("$name", image.Name), ("$description", image.Description),
            ("$state", image.State), ("$architecture", image.Architecture), ("$platform", image.Platform), ("$platformDetails", image.PlatformDetails),
            ("$usageOperation", image.UsageOperation), ("$bootMode", image.BootMode), ("$ena", image.EnaSupport), ("$tpm", image.TpmSupport),
            ("$imds", image.ImdsSupport), ("$rootDevice", image.RootDeviceName), ("$rootDeviceType", image.RootDeviceType),
            ("$virtualization", image.VirtualizationType), ("$hypervisor", image.Hypervisor), ("$imageType", image.ImageType),
            ("$created", SqliteStatement.ToUnixMilliseconds(image.CreationDate)), ("$task", image.SourceTaskId)))
        {
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        for (var position = 0; position < image.BlockDevices.Count; position++)
        {
            var device = image.BlockDevices[position];
            await using var insert = SqliteStatement.Create(connection, transaction, """
                INSERT INTO ec2_image_block_devices (image_id, position, device_name, snapshot_id, volume_size, volume_type, iops, throughput,
                    delete_on_termination, encrypted, kms_key_id)
                VALUES ($image, $position, $device, $snapshot, $size, $type, $iops, $throughput, $deleteOnTermination, $encrypted, $kms);
                """,
                ("$image", image.Id), ("$position", position), ("$device", device.DeviceName), ("$snapshot", device.SnapshotId),
                ("$size", device.VolumeSize), ("$type", device.VolumeType), ("$iops", device.Iops), ("$throughput", device.Throughput),
                ("$deleteOnTermination", device.DeleteOnTermination), ("$encrypted", device.Encrypted), ("$kms", device.KmsKeyId));
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        await TagRepository.InsertAsync(connection, transaction, image.Id, Resources.ResourceKind.Image.ResourceType, image.AccountId, image.Region, tags, cancellationToken);
        return new ImageInsertOutcome(ImageInsertResult.Inserted, null);
    }

    /// <summary>The first AMI whose block device mappings name <paramref name="snapshotId"/>, or null.</summary>
    internal static async Task<string?> FindImageUsingSnapshotAsync(SqliteConnection connection, SqliteTransaction? transaction, string snapshotId, CancellationToken cancellationToken)
    {
        await using var command = SqliteStatement.Create(connection, transaction, """
            SELECT i.id FROM ec2_image_block_devices AS d JOIN ec2_images AS i ON i.id = d.image_id
            WHERE d.snapshot_id = $id ORDER BY i.seq LIMIT 1;
            """, ("$id", snapshotId));
        return await command.ExecuteScalarAsync(cancellationToken) as string;
    }

    private static async Task<IReadOnlyList<ImageRecord>> ReadAllAsync(SqliteConnection connection, SqliteCommand command, CancellationToken cancellationToken)
    {
        var images = new List<ImageRecord>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                images.Add(Read(reader));
            }
        }

        if (images.Count == 0)
        {
            return images;
        }

        var devices = new Dictionary<string, List<ImageBlockDeviceRecord>>(StringComparer.Ordinal);
        await using (var mappings = SqliteStatement.Create(connection, null, ""))
        {
            var list = SqliteStatement.AddList(mappings, "image", images.Select(i => i.Id).ToList());
            mappings.CommandText = $"""
                SELECT image_id, device_name, snapshot_id, volume_size, volume_type, iops, throughput, delete_on_termination, encrypted, kms_key_id
                FROM ec2_image_block_devices WHERE image_id IN ({list}) ORDER BY image_id, position;
                """;
            await using var reader = await mappings.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var imageId = reader.GetString(0);
                if (!devices.TryGetValue(imageId, out var forImage))
                {
                    devices[imageId] = forImage = [];
                }

                forImage.Add(new ImageBlockDeviceRecord
                {
                    DeviceName = reader.GetString(1),
                    SnapshotId = reader.GetString(2),
                    VolumeSize = reader.GetInt32(3),
                    VolumeType = reader.GetString(4),
                    Iops = (int?)reader.GetNullableInt64(5),
                    Throughput = (int?)reader.GetNullableInt64(6),
                    DeleteOnTermination = reader.GetBoolean(7),
                    Encrypted = reader.GetBoolean(8),
                    KmsKeyId = reader.GetNullableString(9),
                });
            }
        }

        return images.Select(i => i with { BlockDevices = devices.GetValueOrDefault(i.Id) ?? [] }).ToList();
    }

    private static ImageRecord Read(SqliteDataReader reader) => new()
    {
        Sequence = reader.GetInt64(0),
        Id = reader.GetString(1),
        AccountId = reader.GetString(2),
        Region = reader.GetString(3),
        Name = reader.GetString(4),
        Description = reader.GetNullableString(5),
        State = reader.GetString(6),
        Architecture = reader.GetString(7),
        Platform = reader.GetNullableString(8),
        PlatformDetails = reader.GetString(9),
        UsageOperation = reader.GetString(10),
        BootMode = reader.GetNullableString(11),
        EnaSupport = reader.GetBoolean(12),
        TpmSupport = reader.GetNullableString(13),
        ImdsSupport = reader.GetNullableString(14),
        RootDeviceName = reader.GetString(15),
        RootDeviceType = reader.GetString(16),
        VirtualizationType = reader.GetString(17),
        Hypervisor = reader.GetString(18),
        ImageType = reader.GetString(19),
        CreationDate = reader.GetTime(20),
        SourceTaskId = reader.GetNullableString(21),
    };
}

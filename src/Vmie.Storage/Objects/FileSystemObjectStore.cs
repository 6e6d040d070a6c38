using System.Text.Json;
using Microsoft.Data.Sqlite;
using Vmie.Storage.Checksums;
using Vmie.Storage.Metadata;

namespace Vmie.Storage.Objects;

/// <summary>
/// The embedded object store: metadata in the SQLite <see cref="MetadataDatabase"/>, bodies in files under a
/// root directory named by generated ids. A write streams into a temporary file, is verified and flushed,
/// renamed into place and only then committed, replacing the previous version in one transaction; body files
/// nothing references any more are deleted after the commit. Run <see cref="SchemaMigrations"/> through
/// <see cref="MetadataDatabase.Migrate"/> before use.
/// </summary>
public sealed partial class FileSystemObjectStore : IObjectStore
{
    /// <summary>S3's limit for one PUT and for one part.</summary>
    public const long MaxSingleUploadSize = 5L * 1024 * 1024 * 1024;

    private readonly MetadataDatabase _database;
    private readonly BodyFileDirectory _bodies;
    private readonly TimeProvider _clock;

    public FileSystemObjectStore(MetadataDatabase database, string rootDirectory, TimeProvider? clock = null)
    {
        _database = database;
        _bodies = new BodyFileDirectory(rootDirectory);
        _clock = clock ?? TimeProvider.System;
    }

    /// <summary>The migrations of the "objects" component, for <see cref="MetadataDatabase.Migrate"/>.</summary>
    public static IReadOnlyList<SchemaMigration> SchemaMigrations => ObjectStoreSchema.Migrations;

    /// <summary>The directory that holds the body files.</summary>
    public string RootDirectory => _bodies.Root;

    public Task<BucketInfo> CreateBucketAsync(string bucket, string ownerAccountId, string region, CancellationToken cancellationToken = default)
    {
        BucketNameRules.Validate(bucket);
        var info = new BucketInfo(bucket, ownerAccountId, region, Now());
        return Task.FromResult(Write((connection, transaction, _) =>
        {
            if (FindBucket(connection, transaction, bucket) is { } existing)
            {
                throw string.Equals(existing.OwnerAccountId, ownerAccountId, StringComparison.Ordinal)
                    ? new ObjectStoreException("BucketAlreadyOwnedByYou", "Your previous request to create the named bucket succeeded and you already own it.", bucket)
                    : new ObjectStoreException("BucketAlreadyExists", "The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again.", bucket);
            }

            Execute(connection, transaction, "INSERT INTO object_buckets(name, owner_account_id, region, created_at_ms) VALUES ($name, $owner, $region, $created);",
                ("$name", bucket), ("$owner", ownerAccountId), ("$region", region), ("$created", info.CreatedAt.ToUnixTimeMilliseconds()));
            return info;
        }));
    }

    public Task<BucketInfo?> GetBucketAsync(string bucket, CancellationToken cancellationToken = default) =>
        Task.FromResult(Read((connection, transaction) => FindBucket(connection, transaction, bucket)));

    public Task<IReadOnlyList<BucketInfo>> ListBucketsAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult(Read<IReadOnlyList<BucketInfo>>((connection, transaction) =>
        {
            using var command = Command(connection, transaction, "SELECT name, owner_account_id, region, created_at_ms FROM object_buckets ORDER BY name;");
            using var reader = command.ExecuteReader();
            var buckets = new List<BucketInfo>();
            while (reader.Read())
            {
                buckets.Add(ReadBucket(reader));
            }

            return buckets;
        }));

    public Task DeleteBucketAsync(string bucket, CancellationToken cancellationToken = default)
    {
        Write((connection, transaction, _) =>
        {
            RequireBucket(connection, transaction, bucket);
            var busy = Scalar(connection, transaction, """
                SELECT EXISTS (SELECT 1 FROM object_entries WHERE bucket = $b)
                    OR EXISTS (SELECT 1 FROM object_uploads WHERE bucket = $b);
                """, ("$b", bucket));
            if (busy is long flag && flag != 0)
            {
                throw new ObjectStoreException("BucketNotEmpty", "The bucket you tried to delete is not empty", bucket);
            }

            Execute(connection, transaction, "DELETE FROM object_buckets WHERE name = $b;", ("$b", bucket));
            return 0;
        });
        return Task.CompletedTask;
    }

    /// <summary>
    /// Deletes body files that no metadata row knows (leftovers of a crash between a body's rename into
    /// place and its commit, or between a commit and the deletion of the bodies it released) and bodies
    /// left half-written in the temporary folder. Only files last written more than
    /// <paramref name="minimumAge"/> ago are considered, so writes in flight are never touched; a process
    /// that owns the store exclusively passes zero at start-up. Returns how many files were deleted.
    /// </summary>
    public int RemoveOrphanedBodyFiles(TimeSpan minimumAge)
    {
        var cutoff = DateTime.UtcNow - minimumAge;
        var removed = _bodies.RemoveTemporaryFilesOlderThan(minimumAge);
        using var connection = _database.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT 1 FROM object_bodies WHERE id = $id;";
        var id = command.Parameters.AddWithValue("$id", string.Empty);
        foreach (var folder in Directory.EnumerateDirectories(_bodies.Root))
        {
            var folderName = Path.GetFileName(folder);
            if (folderName.Length != 2 || !folderName.All(char.IsAsciiHexDigitLower))
            {
                continue;
            }

            foreach (var file in Directory.EnumerateFiles(folder))
            {
                var name = Path.GetFileName(file);
                if (name.Length != 32 || !name.StartsWith(folderName, StringComparison.Ordinal) || !name.All(char.IsAsciiHexDigitLower)
                    || File.GetLastWriteTimeUtc(file) >= cutoff)
                {
                    continue;
                }

                id.Value = name;
                if (command.ExecuteScalar() is null)
                {
                    File.Delete(file);
                    removed++;
                }
            }
        }

        return removed;
    }

    private DateTimeOffset Now() => DateTimeOffset.FromUnixTimeMilliseconds(_clock.GetUtcNow().ToUnixTimeMilliseconds());

    /// <summary>
    /// Runs <paramref name="work"/> in an immediate (writer) transaction; the body files it reports as
    /// unreferenced are deleted once the commit has succeeded.
    /// </summary>
    private T Write<T>(Func<SqliteConnection, SqliteTransaction, List<string>, T> work)
    {
        var unreferenced = new List<string>();
        T result;
        using (var connection = _database.OpenConnection())
        using (var transaction = connection.BeginTransaction(deferred: false))
        {
            result = work(connection, transaction, unreferenced);
            transaction.Commit();
        }

        foreach (var id in unreferenced)
        {
            _bodies.Delete(id);
        }

        return result;
    }

    /// <summary>Runs <paramref name="work"/> in a read transaction, so it sees one consistent snapshot.</summary>
    private T Read<T>(Func<SqliteConnection, SqliteTransaction, T> work)
    {
        using var connection = _database.OpenConnection();
        using var transaction = connection.BeginTransaction(deferred: true);
        return work(connection, transaction);
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction transaction, string sql, params ReadOnlySpan<(string Name, object? Value)> parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command;
    }

    private static int Execute(SqliteConnection connection, SqliteTransaction transaction, string sql, params ReadOnlySpan<(string Name, object? Value)> parameters)
    {
        using var command = Command(connection, transaction, sql, parameters);
        return command.ExecuteNonQuery();
    }

    private static object? Scalar(SqliteConnection connection, SqliteTransaction transaction, string sql, params ReadOnlySpan<(string Name, object? Value)> parameters)
    {
        using var command = Command(connection, transaction, sql, parameters);
        return command.ExecuteScalar();
    }

    private static BucketInfo? FindBucket(SqliteConnection connection, SqliteTransaction transaction, string bucket)
    {
        using var command = Command(connection, transaction, "SELECT name, owner_account_id, region, created_at_ms FROM object_buckets WHERE name = $b;", ("$b", bucket));
        using var reader = command.ExecuteReader();
        return reader.Read() ? ReadBucket(reader) : null;
    }

    private static BucketInfo RequireBucket(SqliteConnection connection, SqliteTransaction transaction, string bucket) =>
        FindBucket(connection, transaction, bucket) ?? throw ObjectStoreErrors.NoSuchBucket(bucket);

    private static BucketInfo ReadBucket(SqliteDataReader reader) =>
        new(reader.GetString(0), reader.GetString(1), reader.GetString(2), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3)));

    /// <summary>
    /// Deletes the body rows among <paramref name="candidates"/> that no object version or part references
    /// any more and reports them so their files go after the commit. Counting references through the
    /// body_id indexes keeps this right however bodies are shared (CopyObject, completed uploads).
    /// </summary>
    private static void ReleaseBodies(SqliteConnection connection, SqliteTransaction transaction, IEnumerable<string> candidates, List<string> unreferenced)
    {
        using var command = Command(connection, transaction, """
            DELETE FROM object_bodies WHERE id = $id
                AND NOT EXISTS (SELECT 1 FROM object_segments WHERE body_id = $id)
                AND NOT EXISTS (SELECT 1 FROM object_parts WHERE body_id = $id);
            """, ("$id", string.Empty));
        foreach (var id in candidates.Distinct(StringComparer.Ordinal))
        {
            command.Parameters["$id"].Value = id;
            if (command.ExecuteNonQuery() == 1)
            {
                unreferenced.Add(id);
            }
        }
    }

    private static void InsertBody(SqliteConnection connection, SqliteTransaction transaction, StagedBody body) =>
        Execute(connection, transaction, "INSERT INTO object_bodies(id, length) VALUES ($id, $length);", ("$id", body.Id), ("$length", body.Length));

    private static string ToJson(IReadOnlyDictionary<string, string> values) =>
        JsonSerializer.Serialize(new SortedDictionary<string, string>(values.ToDictionary(), StringComparer.Ordinal));

    private static Dictionary<string, string> FromJson(string json) =>
        JsonSerializer.Deserialize<Dictionary<string, string>>(json) ?? [];

    /// <summary>The checksum algorithms a write must compute: the one asked for and every one with an expected value.</summary>
    private static List<ChecksumAlgorithm> ChecksumAlgorithmsFor(ObjectWriteOptions options, string? additional, string resource)
    {
        var algorithms = new List<ChecksumAlgorithm>();
        foreach (var name in options.ExpectedChecksums.Keys.Append(options.ChecksumAlgorithm).Append(additional))
        {
            if (name is null)
            {
                continue;
            }

            var algorithm = ChecksumAlgorithm.FromName(name)
                ?? throw ObjectStoreErrors.InvalidArgument($"Unknown checksum algorithm '{name}'. Valid algorithms: {string.Join(", ", ChecksumAlgorithm.All)}.", resource);
            if (!algorithms.Contains(algorithm))
            {
                algorithms.Add(algorithm);
            }
        }

        return algorithms;
    }

    private async Task<StagedBody> StageAsync(Stream content, ObjectWriteOptions options, IReadOnlyCollection<ChecksumAlgorithm> algorithms, string resource, CancellationToken cancellationToken)
    {
        if (options.ExpectedLength > MaxSingleUploadSize)
        {
            throw EntityTooLarge(resource);
        }

        var limit = options.ExpectedLength ?? MaxSingleUploadSize;
        var body = await StagedBody.WriteAsync(_bodies, content, algorithms, limit,
            () => options.ExpectedLength is null
                ? EntityTooLarge(resource)
                : new ObjectStoreException("InvalidRequest", $"The request body is longer than the declared length of {limit} bytes.", resource),
            cancellationToken).ConfigureAwait(false);
        try
        {
            body.Verify(options, resource);
            body.MoveIntoPlace();
            return body;
        }
        catch
        {
            body.Discard();
            throw;
        }
    }

    private static ObjectStoreException EntityTooLarge(string resource) =>
        new("EntityTooLarge", $"Your proposed upload exceeds the maximum allowed size of {MaxSingleUploadSize} bytes.", resource);
}

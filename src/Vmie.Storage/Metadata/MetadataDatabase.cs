using Microsoft.Data.Sqlite;

namespace Vmie.Storage.Metadata;

/// <summary>
/// The SQLite file that holds vmie's metadata (buckets, objects, snapshots, tasks...).
/// WAL mode lets readers run beside the single writer; a busy timeout serialises writers.
/// </summary>
public sealed class MetadataDatabase
{
    private readonly string _connectionString;

    public MetadataDatabase(string path)
    {
        Path = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
        using var connection = OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode=WAL;";
        command.ExecuteNonQuery();
    }

    public string Path { get; }

    /// <summary>Opens a pooled connection with foreign keys on and a generous busy timeout.</summary>
    public SqliteConnection OpenConnection()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA foreign_keys=ON; PRAGMA busy_timeout=30000; PRAGMA synchronous=FULL;";
        command.ExecuteNonQuery();
        return connection;
    }

    /// <summary>
    /// Applies every migration not yet applied, component by component, each in its own
    /// transaction, so a crash mid-way leaves the schema at a well-defined version.
    /// </summary>
    public void Migrate(IEnumerable<SchemaMigration> migrations)
    {
        using var connection = OpenConnection();
        Execute(connection, null, """
            CREATE TABLE IF NOT EXISTS schema_versions (
                component TEXT PRIMARY KEY NOT NULL,
                version   INTEGER NOT NULL
            );
            """);

        foreach (var group in migrations.GroupBy(m => m.Component, StringComparer.Ordinal))
        {
            var ordered = group.OrderBy(m => m.Version).ToList();
            for (var i = 0; i < ordered.Count; i++)
            {
                if (ordered[i].Version != i + 1)
                {
                    throw new InvalidOperationException(
                        $"Schema migrations of '{group.Key}' must be numbered 1..n without gaps; found version {ordered[i].Version} at position {i + 1}.");
                }
            }

            using var transaction = connection.BeginTransaction(deferred: false);
            var current = CurrentVersion(connection, transaction, group.Key);
            if (current > ordered.Count)
            {
                throw new InvalidOperationException(
                    $"The metadata database '{Path}' has schema version {current} for '{group.Key}', newer than this vmie knows ({ordered.Count}). Upgrade vmie.");
            }

            foreach (var migration in ordered.Where(m => m.Version > current))
            {
                Execute(connection, transaction, migration.Sql);
            }

            using (var upsert = connection.CreateCommand())
            {
                upsert.Transaction = transaction;
                upsert.CommandText = """
                    INSERT INTO schema_versions(component, version) VALUES ($c, $v)
                    ON CONFLICT(component) DO UPDATE SET version = excluded.version;
                    """;
                upsert.Parameters.AddWithValue("$c", group.Key);
                upsert.Parameters.AddWithValue("$v", ordered.Count);
                upsert.ExecuteNonQuery();
            }

            transaction.Commit();
        }
    }

    /// <summary>The schema version of a component, 0 when none of its migrations ran.</summary>
    public int SchemaVersion(string component)
    {
        using var connection = OpenConnection();
        return CurrentVersion(connection, null, component);
    }

    private static int CurrentVersion(SqliteConnection connection, SqliteTransaction? transaction, string component)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT version FROM schema_versions WHERE component = $c;";
        command.Parameters.AddWithValue("$c", component);
        return command.ExecuteScalar() is long version ? (int)version : 0;
    }

    private static void Execute(SqliteConnection connection, SqliteTransaction? transaction, string sql)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}

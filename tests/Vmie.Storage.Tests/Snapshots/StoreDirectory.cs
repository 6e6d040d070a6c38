using Microsoft.Data.Sqlite;
using Vmie.Storage.Metadata;
using Vmie.Storage.Snapshots;

namespace Vmie.Storage.Tests.Snapshots;

/// <summary>A real metadata database and block root in a fresh temp directory, removed afterwards.</summary>
internal sealed class StoreDirectory : IDisposable
{
    public const int SmallBlockSize = FileSnapshotStore.MinimumBlockSize;

    public StoreDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "vmie-snapshots-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
        Database = new MetadataDatabase(System.IO.Path.Combine(Path, "metadata.db"));
    }

    public string Path { get; }

    public string BlockRoot => System.IO.Path.Combine(Path, "blocks");

    public MetadataDatabase Database { get; }

    public FileSnapshotStore OpenStore(int blockSize = SmallBlockSize, int recordBatchSize = 1024) =>
        new(Database, BlockRoot, blockSize) { RecordBatchSize = recordBatchSize };

    /// <summary>Block files (final names) under the root.</summary>
    public List<string> BlockFiles() => AllFiles().Where(f => System.IO.Path.GetFileName(f).Length == 64).ToList();

    /// <summary>Every file under the root except the store's lock file.</summary>
    public List<string> AllFiles() =>
        Directory.Exists(BlockRoot)
            ? Directory.EnumerateFiles(BlockRoot, "*", SearchOption.AllDirectories).Where(f => System.IO.Path.GetFileName(f) != ".lock").ToList()
            : [];

    public long Count(string table)
    {
        using var connection = Database.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT COUNT(*) FROM {table};";
        return (long)command.ExecuteScalar()!;
    }

    public void Execute(string sql)
    {
        using var connection = Database.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    /// <summary>
    /// Fails unless every block's reference count equals the manifest rows naming it and every referenced
    /// block has its file: the store's core invariant.
    /// </summary>
    public void AssertReferenceCountsConsistent()
    {
        using var connection = Database.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT hex(b.hash), b.refs, (SELECT COUNT(*) FROM snapshot_store_manifest m WHERE m.hash = b.hash)
            FROM snapshot_store_blocks b;
            """;
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var hex = reader.GetString(0).ToLowerInvariant();
            Assert.True(reader.GetInt64(1) == reader.GetInt64(2), $"block {hex}: refs {reader.GetInt64(1)} but {reader.GetInt64(2)} manifest rows");
            if (reader.GetInt64(1) > 0)
            {
                Assert.True(File.Exists(System.IO.Path.Combine(BlockRoot, hex[..2], hex[2..4], hex)), $"block {hex} is referenced but its file is missing");
            }
        }
    }

    /// <summary>Fails unless every block the manifest of <paramref name="snapshotId"/> names has its file.</summary>
    public void AssertBlockFilesPresent(string snapshotId)
    {
        using var connection = Database.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT block_index, hex(hash) FROM snapshot_store_manifest WHERE snapshot_id = $id;";
        command.Parameters.AddWithValue("$id", snapshotId);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var hex = reader.GetString(1).ToLowerInvariant();
            Assert.True(File.Exists(System.IO.Path.Combine(BlockRoot, hex[..2], hex[2..4], hex)), $"{snapshotId} block {reader.GetInt64(0)}: file {hex} is missing");
        }
    }

    public void Dispose()
    {
        // Pooled connections would keep the database file open.
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a leftover temp directory must not fail a test.
        }
    }
}

using System.Text;
using Vmie.Storage.Metadata;
using Vmie.Storage.Objects;

namespace Vmie.Storage.Tests.Objects;

/// <summary>A real store on a real SQLite file in a fresh temporary directory, removed afterwards.</summary>
public sealed class ObjectStoreFixture : IDisposable
{
    public ObjectStoreFixture()
    {
        Directory = Path.Combine(Path.GetTempPath(), "vmie-objects-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
        Database = new MetadataDatabase(Path.Combine(Directory, "meta.db"));
        Database.Migrate(FileSystemObjectStore.SchemaMigrations);
        Root = Path.Combine(Directory, "objects");
        Store = new FileSystemObjectStore(Database, Root);
    }

    public string Directory { get; }

    public string Root { get; }

    public MetadataDatabase Database { get; }

    public FileSystemObjectStore Store { get; }

    /// <summary>Body files currently in the store (excluding temporary files).</summary>
    public List<string> BodyFiles() =>
        [.. System.IO.Directory.EnumerateFiles(Root, "*", SearchOption.AllDirectories).Where(f => Path.GetFileName(Path.GetDirectoryName(f)) != "tmp")];

    public List<string> TemporaryFiles() => [.. System.IO.Directory.EnumerateFiles(Path.Combine(Root, "tmp"))];

    public async Task<byte[]> ReadAllAsync(string bucket, string key)
    {
        await using var handle = await Store.OpenReadAsync(bucket, key);
        var data = new byte[handle.Length];
        Assert.Equal(data.Length, await handle.ReadAtAsync(0, data));
        return data;
    }

    public Task<ObjectInfo> PutAsync(string bucket, string key, string text) => PutAsync(bucket, key, Encoding.UTF8.GetBytes(text));

    public Task<ObjectInfo> PutAsync(string bucket, string key, byte[] data, ObjectWriteOptions? options = null) =>
        Store.PutObjectAsync(bucket, key, new MemoryStream(data), options ?? ObjectWriteOptions.Default);

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

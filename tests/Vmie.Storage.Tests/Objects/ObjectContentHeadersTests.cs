using Vmie.Storage.Metadata;
using Vmie.Storage.Objects;

namespace Vmie.Storage.Tests.Objects;

public sealed class ObjectContentHeadersTests : IDisposable
{
    private static readonly ObjectContentHeaders Sample = new()
    {
        ContentEncoding = "gzip",
        ContentDisposition = "attachment; filename=\"disk image.raw\"",
        CacheControl = "max-age=3600, must-revalidate",
        ContentLanguage = "en-GB",
        Expires = "Thu, 01 Dec 2044 16:00:00 GMT",
    };

    private readonly ObjectStoreFixture _fixture = new();

    private FileSystemObjectStore Store => _fixture.Store;

    public void Dispose() => _fixture.Dispose();

    [Fact]
    public async Task Put_stores_the_standard_headers_and_every_read_returns_them()
    {
        await Store.CreateBucketAsync("bucket", "111122223333", "us-east-1");
        var put = await _fixture.PutAsync("bucket", "k", [1, 2, 3], new ObjectWriteOptions { ContentType = "text/plain", ContentHeaders = Sample });
        Assert.Equal(Sample, put.ContentHeaders);

        Assert.Equal(Sample, (await Store.HeadObjectAsync("bucket", "k"))!.ContentHeaders);
        await using (var handle = await Store.OpenReadAsync("bucket", "k"))
        {
            Assert.Equal(Sample, handle.Info.ContentHeaders);
            Assert.Equal("text/plain", handle.Info.ContentType);
        }

        var listed = Assert.Single((await Store.ListObjectsAsync("bucket", new ObjectListingRequest())).Objects);
        Assert.Equal(Sample, listed.ContentHeaders);

        // An overwrite without headers leaves none behind.
        await _fixture.PutAsync("bucket", "k", [4]);
        Assert.Equal(ObjectContentHeaders.None, (await Store.HeadObjectAsync("bucket", "k"))!.ContentHeaders);
    }

    [Fact]
    public async Task Copy_keeps_the_source_headers_and_a_replacement_replaces_all_of_them()
    {
        await Store.CreateBucketAsync("bucket", "111122223333", "us-east-1");
        await _fixture.PutAsync("bucket", "source", [1, 2, 3], new ObjectWriteOptions { ContentHeaders = Sample });

        var kept = await Store.CopyObjectAsync("bucket", "source", "bucket", "kept", replaceMetadata: null);
        Assert.Equal(Sample, kept.ContentHeaders);
        Assert.Equal(Sample, (await Store.HeadObjectAsync("bucket", "kept"))!.ContentHeaders);

        var replacement = new ObjectContentHeaders { ContentDisposition = "inline" };
        var replaced = await Store.CopyObjectAsync("bucket", "source", "bucket", "replaced", new ObjectWriteOptions { ContentHeaders = replacement });
        Assert.Equal(replacement, replaced.ContentHeaders);
        var head = (await Store.HeadObjectAsync("bucket", "replaced"))!;
        Assert.Equal("inline", head.ContentHeaders.ContentDisposition);
        Assert.Null(head.ContentHeaders.ContentEncoding);
        Assert.Null(head.ContentHeaders.CacheControl);
        Assert.Null(head.ContentHeaders.ContentLanguage);
        Assert.Null(head.ContentHeaders.Expires);
    }

    [Fact]
    public async Task Headers_given_when_an_upload_starts_belong_to_the_completed_object()
    {
        await Store.CreateBucketAsync("bucket", "111122223333", "us-east-1");
        var upload = await Store.CreateMultipartUploadAsync("bucket", "big", new ObjectWriteOptions { ContentHeaders = Sample });

        // Headers sent with a part describe nothing: the upload's own are what the object gets.
        var part = await Store.UploadPartAsync("bucket", "big", upload.UploadId, 1, new MemoryStream([9, 9]),
            new ObjectWriteOptions { ContentHeaders = new ObjectContentHeaders { CacheControl = "no-store" } });
        var info = await Store.CompleteMultipartUploadAsync("bucket", "big", upload.UploadId, [new(1, part.ETag)]);

        Assert.Equal(Sample, info.ContentHeaders);
        Assert.Equal(Sample, (await Store.HeadObjectAsync("bucket", "big"))!.ContentHeaders);
    }

    [Fact]
    public async Task A_database_created_before_the_headers_existed_upgrades_in_place()
    {
        var directory = Path.Combine(_fixture.Directory, "old");
        Directory.CreateDirectory(directory);
        var database = new MetadataDatabase(Path.Combine(directory, "meta.db"));
        database.Migrate(FileSystemObjectStore.SchemaMigrations.Where(m => m.Version == 1));
        Assert.Equal(1, database.SchemaVersion(ObjectStoreSchema.Component));
        using (var connection = database.OpenConnection())
        using (var command = connection.CreateCommand())
        {
            command.CommandText = """
                INSERT INTO object_buckets(name, owner_account_id, region, created_at_ms) VALUES ('bucket', '111122223333', 'us-east-1', 0);
                INSERT INTO object_entries(bucket, key, size, etag, last_modified_ms, content_type, user_metadata, checksums, part_count)
                VALUES ('bucket', 'old', 0, '"d41d8cd98f00b204e9800998ecf8427e"', 0, 'text/plain', '{"a":"1"}', '{}', NULL);
                INSERT INTO object_uploads(upload_id, bucket, key, initiated_ms, content_type, user_metadata, checksum_algorithm, checksum_type)
                VALUES ('0000000000000123', 'bucket', 'pending', 0, NULL, '{}', NULL, NULL);
                """;
            command.ExecuteNonQuery();
        }

        database.Migrate(FileSystemObjectStore.SchemaMigrations);

        Assert.Equal(FileSystemObjectStore.SchemaMigrations.Count, database.SchemaVersion(ObjectStoreSchema.Component));
        var store = new FileSystemObjectStore(database, Path.Combine(directory, "objects"));
        var old = (await store.HeadObjectAsync("bucket", "old"))!;
        Assert.Equal(ObjectContentHeaders.None, old.ContentHeaders);
        Assert.Equal("text/plain", old.ContentType);
        Assert.Equal("1", old.UserMetadata["a"]);

        var part = await store.UploadPartAsync("bucket", "pending", "0000000000000123", 1, new MemoryStream([1]), ObjectWriteOptions.Default);
        var completed = await store.CompleteMultipartUploadAsync("bucket", "pending", "0000000000000123", [new(1, part.ETag)]);
        Assert.Equal(ObjectContentHeaders.None, completed.ContentHeaders);
    }
}

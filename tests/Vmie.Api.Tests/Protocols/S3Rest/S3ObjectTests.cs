using System.Net;
using System.Security.Cryptography;
using System.Text;
using Amazon.S3;
using Amazon.S3.Model;

namespace Vmie.Api.Tests.Protocols.S3Rest;

public sealed class S3ObjectTests(S3TestServer server) : IClassFixture<S3TestServer>
{
    [Fact]
    public async Task Put_and_get_whole_objects_and_ranges()
    {
        using var s3 = server.Client();
        var bucket = await NewBucketAsync(s3);
        var data = RandomBytes(200_000, 1);
        var put = await s3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket,
            Key = "dir/file.bin",
            InputStream = new MemoryStream(data),
            ContentType = "application/x-test",
            Metadata = { ["origin"] = "unit-test" },
        });
        Assert.Equal($"\"{Convert.ToHexStringLower(MD5.HashData(data))}\"", put.ETag);

        using (var whole = await s3.GetObjectAsync(bucket, "dir/file.bin"))
        {
            Assert.Equal(HttpStatusCode.OK, whole.HttpStatusCode);
            Assert.Equal(data, await ReadAllAsync(whole.ResponseStream));
            Assert.Equal("application/x-test", whole.Headers.ContentType);
            Assert.Equal("unit-test", whole.Metadata["origin"]);
            Assert.Equal(put.ETag, whole.ETag);
        }

        using (var range = await s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "dir/file.bin", ByteRange = new ByteRange(1000, 1999) }))
        {
            Assert.Equal(HttpStatusCode.PartialContent, range.HttpStatusCode);
            Assert.Equal($"bytes 1000-1999/{data.Length}", range.ContentRange);
            Assert.Equal(data.AsSpan(1000, 1000).ToArray(), await ReadAllAsync(range.ResponseStream));
        }

        var head = await s3.GetObjectMetadataAsync(bucket, "dir/file.bin");
        Assert.Equal(data.Length, head.ContentLength);
        Assert.Equal(put.ETag, head.ETag);

        var unsatisfiable = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "dir/file.bin", ByteRange = new ByteRange(data.Length, data.Length + 10) }));
        Assert.Equal("InvalidRange", unsatisfiable.ErrorCode);
        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, unsatisfiable.StatusCode);
    }

    [Fact]
    public async Task Missing_keys_are_NoSuchKey_and_deleting_them_succeeds()
    {
        using var s3 = server.Client();
        var bucket = await NewBucketAsync(s3);
        var missing = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.GetObjectAsync(bucket, "nope"));
        Assert.Equal("NoSuchKey", missing.ErrorCode);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);

        var head = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.GetObjectMetadataAsync(bucket, "nope"));
        Assert.Equal(HttpStatusCode.NotFound, head.StatusCode);

        var deleted = await s3.DeleteObjectAsync(bucket, "nope");
        Assert.Equal(HttpStatusCode.NoContent, deleted.HttpStatusCode);
    }

    [Fact]
    public async Task Keys_keep_every_character_the_client_sent()
    {
        using var s3 = server.Client();
        var bucket = await NewBucketAsync(s3);
        string[] keys = ["../escape", "a//b/", "%2e%2e/y", "with space+plus&amp", "ünïcødé/😀", "trailing/", "q?x=1#frag"];
        foreach (var key in keys)
        {
            await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, ContentBody = key });
        }

        foreach (var key in keys)
        {
            using var response = await s3.GetObjectAsync(bucket, key);
            Assert.Equal(key, Encoding.UTF8.GetString(await ReadAllAsync(response.ResponseStream)));
        }

        var listed = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket });
        Assert.Equal(keys.Order(StringComparer.Ordinal), listed.S3Objects.Select(o => o.Key).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Copy_object_keeps_or_replaces_metadata()
    {
        using var s3 = server.Client();
        var bucket = await NewBucketAsync(s3);
        var source = await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "src key", ContentBody = "payload", ContentType = "text/plain", Metadata = { ["a"] = "1" } });

        var copy = await s3.CopyObjectAsync(new CopyObjectRequest { SourceBucket = bucket, SourceKey = "src key", DestinationBucket = bucket, DestinationKey = "copy/one" });
        Assert.Equal(source.ETag, copy.ETag);
        var copied = await s3.GetObjectMetadataAsync(bucket, "copy/one");
        Assert.Equal("text/plain", copied.Headers.ContentType);
        Assert.Equal("1", copied.Metadata["a"]);

        await s3.CopyObjectAsync(new CopyObjectRequest
        {
            SourceBucket = bucket,
            SourceKey = "src key",
            DestinationBucket = bucket,
            DestinationKey = "copy/two",
            MetadataDirective = S3MetadataDirective.REPLACE,
            ContentType = "application/json",
            Metadata = { ["b"] = "2" },
        });
        var replaced = await s3.GetObjectMetadataAsync(bucket, "copy/two");
        Assert.Equal("application/json", replaced.Headers.ContentType);
        Assert.Equal("2", replaced.Metadata["b"]);
        Assert.DoesNotContain("x-amz-meta-a", replaced.Metadata.Keys);

        await s3.DeleteObjectAsync(bucket, "src key");
        using var body = await s3.GetObjectAsync(bucket, "copy/two");
        Assert.Equal("payload", Encoding.UTF8.GetString(await ReadAllAsync(body.ResponseStream)));

        var toItself = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.CopyObjectAsync(new CopyObjectRequest { SourceBucket = bucket, SourceKey = "copy/one", DestinationBucket = bucket, DestinationKey = "copy/one" }));
        Assert.Equal("InvalidRequest", toItself.ErrorCode);
        var missing = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.CopyObjectAsync(new CopyObjectRequest { SourceBucket = bucket, SourceKey = "src key", DestinationBucket = bucket, DestinationKey = "x" }));
        Assert.Equal("NoSuchKey", missing.ErrorCode);
    }

    [Fact]
    public async Task Delete_objects_reports_each_key_and_honours_quiet()
    {
        using var s3 = server.Client();
        var bucket = await NewBucketAsync(s3);
        foreach (var key in new[] { "a", "b", "c" })
        {
            await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, ContentBody = key });
        }

        var result = await s3.DeleteObjectsAsync(new DeleteObjectsRequest { BucketName = bucket, Objects = [new() { Key = "a" }, new() { Key = "b" }, new() { Key = "never-existed" }] });
        Assert.Equal(["a", "b", "never-existed"], result.DeletedObjects.Select(d => d.Key).Order());
        Assert.True(result.DeleteErrors is null || result.DeleteErrors.Count == 0);

        var quiet = await s3.DeleteObjectsAsync(new DeleteObjectsRequest { BucketName = bucket, Quiet = true, Objects = [new() { Key = "c" }] });
        Assert.True(quiet.DeletedObjects is null || quiet.DeletedObjects.Count == 0);
        var left = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket });
        Assert.True(left.S3Objects is null || left.S3Objects.Count == 0);
    }

    [Fact]
    public async Task Sdk_default_checksums_travel_as_trailers_and_come_back_on_request()
    {
        using var s3 = server.Client(sdkDefaults: true);
        var bucket = await NewBucketAsync(s3);
        var data = RandomBytes(300_000, 9);
        var put = await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", InputStream = new MemoryStream(data), ChecksumAlgorithm = ChecksumAlgorithm.CRC32C });
        Assert.False(string.IsNullOrEmpty(put.ChecksumCRC32C));

        // The SDK validates the returned checksum against the body it receives.
        using var get = await s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "k", ChecksumMode = ChecksumMode.ENABLED });
        Assert.Equal(data, await ReadAllAsync(get.ResponseStream));
        Assert.Equal(put.ChecksumCRC32C, get.ChecksumCRC32C);
    }

    internal static async Task<string> NewBucketAsync(AmazonS3Client s3)
    {
        var bucket = S3BucketTests.NewBucketName();
        await s3.PutBucketAsync(new PutBucketRequest { BucketName = bucket });
        return bucket;
    }

    internal static async Task<byte[]> ReadAllAsync(Stream stream)
    {
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer);
        return buffer.ToArray();
    }

    internal static byte[] RandomBytes(int length, int seed)
    {
        var data = new byte[length];
        new Random(seed).NextBytes(data);
        return data;
    }
}

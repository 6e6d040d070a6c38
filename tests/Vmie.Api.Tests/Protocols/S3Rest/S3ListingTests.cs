using Amazon.S3;
using Amazon.S3.Model;

namespace Vmie.Api.Tests.Protocols.S3Rest;

public sealed class S3ListingTests(S3TestServer server) : IClassFixture<S3TestServer>
{
    private static readonly string[] Keys =
    [
        .. Enumerable.Range(0, 12).Select(i => $"photos/2024/img{i:D2}.jpg"),
        .. Enumerable.Range(0, 5).Select(i => $"photos/2025/img{i:D2}.jpg"),
        .. Enumerable.Range(0, 9).Select(i => $"docs/file {i}+v.txt"),
        "readme.md",
        "zeta",
    ];

    [Fact]
    public async Task ListObjectsV2_paginates_with_continuation_tokens()
    {
        using var s3 = server.Client();
        var bucket = await BucketWithKeysAsync(s3);
        var seen = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var page = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, MaxKeys = 7, ContinuationToken = token });
            Assert.True(page.S3Objects.Count <= 7);
            Assert.Equal(page.S3Objects.Count, page.KeyCount);
            seen.AddRange(page.S3Objects.Select(o => o.Key));
            token = page.IsTruncated == true ? page.NextContinuationToken : null;
            pages++;
        }
        while (token is not null);

        Assert.Equal(Keys.Order(StringComparer.Ordinal), seen);
        Assert.Equal(4, pages);
    }

    [Fact]
    public async Task Delimiter_groups_common_prefixes_across_pages()
    {
        using var s3 = server.Client();
        var bucket = await BucketWithKeysAsync(s3);

        var top = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Delimiter = "/" });
        Assert.Equal(["docs/", "photos/"], top.CommonPrefixes);
        Assert.Equal(["readme.md", "zeta"], top.S3Objects.Select(o => o.Key));

        var prefixes = new List<string>();
        string? token = null;
        do
        {
            var page = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Prefix = "photos/", Delimiter = "/", MaxKeys = 1, ContinuationToken = token });
            prefixes.AddRange(page.CommonPrefixes ?? []);
            Assert.True(page.S3Objects is null || page.S3Objects.Count == 0);
            token = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (token is not null);

        Assert.Equal(["photos/2024/", "photos/2025/"], prefixes);
    }

    [Fact]
    public async Task Start_after_url_encoding_and_owner()
    {
        using var s3 = server.Client();
        var bucket = await BucketWithKeysAsync(s3);
        var page = await s3.ListObjectsV2Async(new ListObjectsV2Request
        {
            BucketName = bucket,
            Prefix = "docs/",
            StartAfter = "docs/file 6+v.txt",
            Encoding = EncodingType.Url,
            FetchOwner = true,
        });
        // The SDK hands url-encoded keys back as they came when the caller asked for the encoding.
        Assert.Equal(["docs/file%207%2Bv.txt", "docs/file%208%2Bv.txt"], page.S3Objects.Select(o => o.Key));
        Assert.Equal(["docs/file 7+v.txt", "docs/file 8+v.txt"], page.S3Objects.Select(o => Uri.UnescapeDataString(o.Key)));
        Assert.Equal(S3TestServer.AccountId, page.S3Objects[0].Owner.Id);
        Assert.Equal(7, page.S3Objects[0].Size);
    }

    [Fact]
    public async Task ListObjects_version_1_paginates_with_markers()
    {
        using var s3 = server.Client();
        var bucket = await BucketWithKeysAsync(s3);
        var seen = new List<string>();
        string? marker = null;
        while (true)
        {
            var page = await s3.ListObjectsAsync(new ListObjectsRequest { BucketName = bucket, MaxKeys = 10, Marker = marker });
            seen.AddRange(page.S3Objects.Select(o => o.Key));
            if (page.IsTruncated != true)
            {
                break;
            }

            marker = page.NextMarker ?? page.S3Objects[^1].Key;
        }

        Assert.Equal(Keys.Order(StringComparer.Ordinal), seen);
    }

    [Fact]
    public async Task A_bad_continuation_token_is_refused()
    {
        using var s3 = server.Client();
        var bucket = await BucketWithKeysAsync(s3);
        var error = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, ContinuationToken = "%%%not-base64" }));
        Assert.Equal("InvalidArgument", error.ErrorCode);
    }

    private static async Task<string> BucketWithKeysAsync(AmazonS3Client s3)
    {
        var bucket = await S3ObjectTests.NewBucketAsync(s3);
        foreach (var key in Keys)
        {
            await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, ContentBody = "content" });
        }

        return bucket;
    }
}

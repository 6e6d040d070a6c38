using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Xml.Linq;
using Amazon.S3;
using Amazon.S3.Model;

namespace Vmie.Api.Tests.Protocols.S3Rest;

/// <summary>The standard object headers S3 stores (and the write headers vmie refuses), through the AWS SDK.</summary>
public sealed class S3ObjectHeaderTests(S3TestServer server) : IClassFixture<S3TestServer>
{
    private const string Disposition = "attachment; filename=\"disk image.raw\"";
    private const string CacheControl = "max-age=3600, must-revalidate";
    private const string Language = "en-GB";
    private static readonly DateTime ExpiresAt = new(2044, 12, 1, 16, 0, 0, DateTimeKind.Utc);
    private static readonly string ExpiresText = ExpiresAt.ToString("R");

    /// <param name="sdkDefaults">With the SDK's defaults the body travels aws-chunked, so Content-Encoding carries aws-chunked too.</param>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Put_object_headers_come_back_on_get_and_head(bool sdkDefaults)
    {
        using var s3 = server.Client(sdkDefaults);
        var bucket = await S3ObjectTests.NewBucketAsync(s3);
        var body = Gzip("a compressed body, served as stored");
        var request = new PutObjectRequest { BucketName = bucket, Key = "k", InputStream = new MemoryStream(body), ContentType = "text/plain" };
        SetHeaders(request.Headers);
        await s3.PutObjectAsync(request);

        using (var get = await s3.GetObjectAsync(bucket, "k"))
        {
            AssertHeaders(get.Headers, get.ExpiresString);
            Assert.Equal("text/plain", get.Headers.ContentType);
            Assert.Equal(body, await S3ObjectTests.ReadAllAsync(get.ResponseStream));
        }

        var head = await s3.GetObjectMetadataAsync(bucket, "k");
        AssertHeaders(head.Headers, head.ExpiresString);
    }

    [Fact]
    public async Task Aws_chunked_alone_is_framing_and_is_not_stored_as_the_encoding()
    {
        using var s3 = server.Client(sdkDefaults: true);
        var bucket = await S3ObjectTests.NewBucketAsync(s3);
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "plain" });

        var head = await s3.GetObjectMetadataAsync(bucket, "k");
        Assert.Null(head.Headers.ContentEncoding);
        using var http = server.Http();
        using var response = await http.GetAsync($"/{bucket}/k");
        Assert.Empty(response.Content.Headers.ContentEncoding);
    }

    [Fact]
    public async Task Multipart_upload_headers_belong_to_the_completed_object()
    {
        using var s3 = server.Client();
        var bucket = await S3ObjectTests.NewBucketAsync(s3);
        var initiate = new InitiateMultipartUploadRequest { BucketName = bucket, Key = "big" };
        SetHeaders(initiate.Headers);
        var upload = await s3.InitiateMultipartUploadAsync(initiate);
        var part = await s3.UploadPartAsync(new UploadPartRequest
        {
            BucketName = bucket,
            Key = "big",
            UploadId = upload.UploadId,
            PartNumber = 1,
            InputStream = new MemoryStream(Gzip("one part")),
        });
        await s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            BucketName = bucket,
            Key = "big",
            UploadId = upload.UploadId,
            PartETags = [new PartETag(1, part.ETag)],
        });

        var head = await s3.GetObjectMetadataAsync(bucket, "big");
        AssertHeaders(head.Headers, head.ExpiresString);
    }

    [Fact]
    public async Task Copy_keeps_the_source_headers_unless_told_to_replace_them()
    {
        using var s3 = server.Client();
        var bucket = await S3ObjectTests.NewBucketAsync(s3);
        var put = new PutObjectRequest { BucketName = bucket, Key = "source", InputStream = new MemoryStream(Gzip("x")) };
        SetHeaders(put.Headers);
        await s3.PutObjectAsync(put);

        await s3.CopyObjectAsync(new CopyObjectRequest { SourceBucket = bucket, SourceKey = "source", DestinationBucket = bucket, DestinationKey = "kept" });
        var kept = await s3.GetObjectMetadataAsync(bucket, "kept");
        AssertHeaders(kept.Headers, kept.ExpiresString);

        var replace = new CopyObjectRequest
        {
            SourceBucket = bucket,
            SourceKey = "source",
            DestinationBucket = bucket,
            DestinationKey = "replaced",
            MetadataDirective = S3MetadataDirective.REPLACE,
        };
        replace.Headers.ContentDisposition = "inline";
        replace.Headers.ContentLanguage = "fr";
        await s3.CopyObjectAsync(replace);

        var replaced = await s3.GetObjectMetadataAsync(bucket, "replaced");
        Assert.Equal("inline", replaced.Headers.ContentDisposition);
        Assert.Equal("fr", replaced.Headers.ContentLanguage);
        Assert.Null(replaced.Headers.ContentEncoding);
        Assert.Null(replaced.Headers.CacheControl);
        Assert.Null(replaced.ExpiresString);
    }

    [Fact]
    public async Task Response_query_parameters_override_the_stored_headers()
    {
        using var s3 = server.Client();
        var bucket = await S3ObjectTests.NewBucketAsync(s3);
        var put = new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "x", ContentType = "text/plain" };
        put.Headers.CacheControl = CacheControl;
        await s3.PutObjectAsync(put);

        var get = new GetObjectRequest { BucketName = bucket, Key = "k" };
        get.ResponseHeaderOverrides.ContentType = "application/x-override";
        get.ResponseHeaderOverrides.CacheControl = "no-cache";
        get.ResponseHeaderOverrides.ContentDisposition = "attachment; filename=\"other.bin\"";
        get.ResponseHeaderOverrides.ContentLanguage = "de";
        using (var response = await s3.GetObjectAsync(get))
        {
            Assert.Equal("application/x-override", response.Headers.ContentType);
            Assert.Equal("no-cache", response.Headers.CacheControl);
            Assert.Equal("attachment; filename=\"other.bin\"", response.Headers.ContentDisposition);
            Assert.Equal("de", response.Headers.ContentLanguage);
        }

        var head = await s3.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = bucket, Key = "k", ResponseCacheControl = "private" });
        Assert.Equal("private", head.Headers.CacheControl);
        Assert.Equal("text/plain", head.Headers.ContentType);
    }

    [Fact]
    public async Task Headers_go_back_on_the_wire_exactly_as_written_and_not_modified_answers_keep_the_caching_ones()
    {
        using var http = server.Http();
        var bucket = await NewBucketAsync(http);
        using (var put = new HttpRequestMessage(HttpMethod.Put, $"/{bucket}/k") { Content = new ByteArrayContent(Gzip("x")) })
        {
            put.Headers.TryAddWithoutValidation("Cache-Control", CacheControl);
            put.Content.Headers.TryAddWithoutValidation("Content-Encoding", "gzip");
            put.Content.Headers.TryAddWithoutValidation("Content-Disposition", Disposition);
            put.Content.Headers.TryAddWithoutValidation("Content-Language", Language);
            // S3 keeps Expires as sent, even when it is not a date.
            put.Content.Headers.TryAddWithoutValidation("Expires", "never");
            (await http.SendAsync(put)).EnsureSuccessStatusCode();
        }

        string etag;
        using (var get = await http.GetAsync($"/{bucket}/k"))
        {
            Assert.Equal(HttpStatusCode.OK, get.StatusCode);
            Assert.Equal(CacheControl, get.Headers.NonValidated["Cache-Control"].ToString());
            Assert.Equal("gzip", get.Content.Headers.NonValidated["Content-Encoding"].ToString());
            Assert.Equal(Disposition, get.Content.Headers.NonValidated["Content-Disposition"].ToString());
            Assert.Equal(Language, get.Content.Headers.NonValidated["Content-Language"].ToString());
            Assert.Equal("never", get.Content.Headers.NonValidated["Expires"].ToString());
            etag = get.Headers.NonValidated["ETag"].ToString();
        }

        using var conditional = new HttpRequestMessage(HttpMethod.Get, $"/{bucket}/k");
        conditional.Headers.TryAddWithoutValidation("If-None-Match", etag);
        using var response = await http.SendAsync(conditional);

        Assert.Equal(HttpStatusCode.NotModified, response.StatusCode);
        Assert.Equal(CacheControl, response.Headers.NonValidated["Cache-Control"].ToString());
        Assert.Equal("never", response.Content.Headers.NonValidated["Expires"].ToString());
    }

    public static TheoryData<string, Action<PutObjectRequest>> RefusedPutOptions() => new()
    {
        { "x-amz-tagging", r => r.TagSet = [new Tag { Key = "team", Value = "disks" }] },
        { "x-amz-storage-class", r => r.StorageClass = S3StorageClass.Glacier },
        { "x-amz-storage-class", r => r.StorageClass = S3StorageClass.StandardInfrequentAccess },
        { "x-amz-server-side-encryption", r => r.ServerSideEncryptionMethod = ServerSideEncryptionMethod.AES256 },
        { "x-amz-server-side-encryption", r => r.ServerSideEncryptionMethod = ServerSideEncryptionMethod.AWSKMS },
        { "x-amz-server-side-encryption", r => r.ServerSideEncryptionMethod = ServerSideEncryptionMethod.AWSKMSDSSE },
        { "x-amz-website-redirect-location", r => r.WebsiteRedirectLocation = "/elsewhere.html" },
        { "x-amz-object-lock-", r => r.ObjectLockLegalHoldStatus = ObjectLockLegalHoldStatus.On },
        { "x-amz-object-lock-", r => { r.ObjectLockMode = ObjectLockMode.Governance; r.ObjectLockRetainUntilDate = DateTime.UtcNow.AddDays(1); } },
        { "x-amz-acl", r => r.CannedACL = S3CannedACL.PublicRead },
        { "x-amz-grant-", r => r.Grants = [new S3Grant { Grantee = new S3Grantee { CanonicalUser = "0123456789abcdef" }, Permission = S3Permission.READ }] },
    };

    [Fact]
    public async Task Put_with_a_private_canned_acl_is_accepted()
    {
        using var s3 = server.Client();
        var bucket = await S3ObjectTests.NewBucketAsync(s3);

        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "x", CannedACL = S3CannedACL.BucketOwnerFullControl });

        Assert.Equal(1, (await s3.GetObjectMetadataAsync(bucket, "k")).ContentLength);
    }

    [Theory]
    [MemberData(nameof(RefusedPutOptions))]
    public async Task Put_asking_for_what_vmie_does_not_do_is_refused_and_stores_nothing(string header, Action<PutObjectRequest> configure)
    {
        using var s3 = server.Client();
        var bucket = await S3ObjectTests.NewBucketAsync(s3);
        var request = new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "x" };
        configure(request);

        var error = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.PutObjectAsync(request));

        AssertNotImplemented(error, header);
        var missing = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.GetObjectMetadataAsync(bucket, "k"));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task Multipart_upload_and_copy_asking_for_what_vmie_does_not_do_are_refused()
    {
        using var s3 = server.Client();
        var bucket = await S3ObjectTests.NewBucketAsync(s3);
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "source", ContentBody = "x" });

        var initiate = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest
        {
            BucketName = bucket,
            Key = "big",
            ServerSideEncryptionMethod = ServerSideEncryptionMethod.AWSKMS,
        }));
        AssertNotImplemented(initiate, "x-amz-server-side-encryption");
        var uploads = await s3.ListMultipartUploadsAsync(bucket);
        Assert.True(uploads.MultipartUploads is null || uploads.MultipartUploads.Count == 0);

        var copy = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.CopyObjectAsync(new CopyObjectRequest
        {
            SourceBucket = bucket,
            SourceKey = "source",
            DestinationBucket = bucket,
            DestinationKey = "copy",
            StorageClass = S3StorageClass.DeepArchive,
        }));
        AssertNotImplemented(copy, "x-amz-storage-class");

        var tagged = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.CopyObjectAsync(new CopyObjectRequest
        {
            SourceBucket = bucket,
            SourceKey = "source",
            DestinationBucket = bucket,
            DestinationKey = "copy",
            TaggingDirective = TaggingDirective.REPLACE,
            TagSet = [new Tag { Key = "a", Value = "b" }],
        }));
        AssertNotImplemented(tagged, "x-amz-tagging");
        Assert.Equal(HttpStatusCode.NotFound, (await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.GetObjectMetadataAsync(bucket, "copy"))).StatusCode);
    }

    [Fact]
    public async Task The_standard_storage_class_is_accepted_and_an_unknown_one_is_invalid()
    {
        using var s3 = server.Client();
        var bucket = await S3ObjectTests.NewBucketAsync(s3);
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "x", StorageClass = S3StorageClass.Standard });
        Assert.Equal(1, (await s3.GetObjectMetadataAsync(bucket, "k")).ContentLength);

        using var http = server.Http();
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/{bucket}/other") { Content = new StringContent("x") };
        request.Headers.TryAddWithoutValidation("x-amz-storage-class", "COLD_AS_ICE");
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("InvalidStorageClass", XDocument.Parse(await response.Content.ReadAsStringAsync()).Root!.Element("Code")?.Value);
    }

    private static async Task<string> NewBucketAsync(HttpClient http)
    {
        var bucket = S3BucketTests.NewBucketName();
        (await http.PutAsync($"/{bucket}", null)).EnsureSuccessStatusCode();
        return bucket;
    }

    private static void SetHeaders(HeadersCollection headers)
    {
        headers.ContentEncoding = "gzip";
        headers.ContentDisposition = Disposition;
        headers.CacheControl = CacheControl;
        headers.ContentLanguage = Language;
        headers.Expires = ExpiresAt;
    }

    private static void AssertHeaders(HeadersCollection headers, string? expires)
    {
        Assert.Equal("gzip", headers.ContentEncoding);
        Assert.Equal(Disposition, headers.ContentDisposition);
        // The SDK reads Cache-Control through .NET's parser, which reorders directives; the wire keeps them as sent.
        Assert.Equal(CacheControlHeaderValue.Parse(CacheControl), CacheControlHeaderValue.Parse(headers.CacheControl));
        Assert.Equal(Language, headers.ContentLanguage);
        Assert.Equal(ExpiresText, expires);
    }

    private static void AssertNotImplemented(AmazonS3Exception error, string header)
    {
        Assert.Equal(HttpStatusCode.NotImplemented, error.StatusCode);
        Assert.Equal("NotImplemented", error.ErrorCode);
        Assert.Contains(header, error.Message, StringComparison.Ordinal);
    }

    private static byte[] Gzip(string text)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest))
        {
            gzip.Write(Encoding.UTF8.GetBytes(text));
        }

        return buffer.ToArray();
    }
}

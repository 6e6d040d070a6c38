using System.Net;
using System.Security.Cryptography;
using Amazon.S3;
using Amazon.S3.Model;
using Amazon.S3.Transfer;

namespace Vmie.Api.Tests.Protocols.S3Rest;

public sealed class S3MultipartTests(S3TestServer server) : IClassFixture<S3TestServer>
{
    private const int MiB = 1024 * 1024;

    [Fact]
    public async Task TransferUtility_uploads_and_downloads_a_40_MiB_file()
    {
        using var s3 = server.Client();
        var bucket = await S3ObjectTests.NewBucketAsync(s3);
        var directory = Directory.CreateTempSubdirectory("vmie-s3-transfer-");
        try
        {
            var source = Path.Combine(directory.FullName, "disk.img");
            var data = S3ObjectTests.RandomBytes(40 * MiB + 12345, 5);
            await File.WriteAllBytesAsync(source, data);

            using var transfer = new TransferUtility(s3);
            await transfer.UploadAsync(new TransferUtilityUploadRequest { BucketName = bucket, Key = "images/disk.img", FilePath = source, PartSize = 8 * MiB });

            var head = await s3.GetObjectMetadataAsync(bucket, "images/disk.img");
            Assert.Equal(data.Length, head.ContentLength);
            var partMd5s = Enumerable.Range(0, 6).SelectMany(i => MD5.HashData(data.AsSpan(i * 8 * MiB, Math.Min(8 * MiB, data.Length - (i * 8 * MiB))))).ToArray();
            Assert.Equal($"\"{Convert.ToHexStringLower(MD5.HashData(partMd5s))}-6\"", head.ETag);

            var target = Path.Combine(directory.FullName, "copy.img");
            await transfer.DownloadAsync(new TransferUtilityDownloadRequest { BucketName = bucket, Key = "images/disk.img", FilePath = target });
            Assert.Equal(SHA256.HashData(data), SHA256.HashData(await File.ReadAllBytesAsync(target)));

            using var part2 = await s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "images/disk.img", PartNumber = 2 });
            Assert.Equal(6, part2.PartsCount);
            var expectedPart = data.AsSpan(8 * MiB, 8 * MiB).ToArray();
            Assert.Equal(expectedPart, await S3ObjectTests.ReadAllAsync(part2.ResponseStream));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Low_level_multipart_lists_validates_and_aborts()
    {
        using var s3 = server.Client();
        var bucket = await S3ObjectTests.NewBucketAsync(s3);
        var upload = await s3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = bucket, Key = "big", ContentType = "application/octet-stream" });
        var part1 = S3ObjectTests.RandomBytes(5 * MiB, 1);
        var part2 = S3ObjectTests.RandomBytes(1000, 2);
        var r1 = await s3.UploadPartAsync(new UploadPartRequest { BucketName = bucket, Key = "big", UploadId = upload.UploadId, PartNumber = 1, InputStream = new MemoryStream(part1) });
        var r2 = await s3.UploadPartAsync(new UploadPartRequest { BucketName = bucket, Key = "big", UploadId = upload.UploadId, PartNumber = 2, InputStream = new MemoryStream(part2) });

        var parts = await s3.ListPartsAsync(new ListPartsRequest { BucketName = bucket, Key = "big", UploadId = upload.UploadId });
        Assert.Equal([1, 2], parts.Parts.Select(p => p.PartNumber ?? 0));
        Assert.Equal(r1.ETag, parts.Parts[0].ETag);
        Assert.Equal(part1.Length, parts.Parts[0].Size);

        var uploads = await s3.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = bucket });
        Assert.Equal(upload.UploadId, Assert.Single(uploads.MultipartUploads).UploadId);

        var wrongEtag = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            BucketName = bucket,
            Key = "big",
            UploadId = upload.UploadId,
            PartETags = [new PartETag(1, r2.ETag), new PartETag(2, r2.ETag)],
        }));
        Assert.Equal("InvalidPart", wrongEtag.ErrorCode);

        // (The SDK sorts the parts itself, so InvalidPartOrder is covered by the wire and store tests.)
        var tooSmall = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            BucketName = bucket,
            Key = "big",
            UploadId = upload.UploadId,
            PartETags = [new PartETag(2, r2.ETag), new PartETag(3, r2.ETag)],
        }));
        Assert.Equal("InvalidPart", tooSmall.ErrorCode);

        var done = await s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            BucketName = bucket,
            Key = "big",
            UploadId = upload.UploadId,
            PartETags = [new PartETag(1, r1.ETag), new PartETag(2, r2.ETag)],
        });
        Assert.EndsWith("-2\"", done.ETag, StringComparison.Ordinal);
        using (var get = await s3.GetObjectAsync(bucket, "big"))
        {
            byte[] expected = [.. part1, .. part2];
            Assert.Equal(expected, await S3ObjectTests.ReadAllAsync(get.ResponseStream));
            Assert.Equal("application/octet-stream", get.Headers.ContentType);
        }

        var gone = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.ListPartsAsync(new ListPartsRequest { BucketName = bucket, Key = "big", UploadId = upload.UploadId }));
        Assert.Equal("NoSuchUpload", gone.ErrorCode);
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);

        var aborted = await s3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = bucket, Key = "abandoned" });
        await s3.UploadPartAsync(new UploadPartRequest { BucketName = bucket, Key = "abandoned", UploadId = aborted.UploadId, PartNumber = 1, InputStream = new MemoryStream(part2) });
        await s3.AbortMultipartUploadAsync(bucket, "abandoned", aborted.UploadId);
        var afterAbort = await s3.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = bucket });
        Assert.True(afterAbort.MultipartUploads is null || afterAbort.MultipartUploads.Count == 0);
    }

    [Fact]
    public async Task Entity_too_small_and_upload_part_copy()
    {
        using var s3 = server.Client();
        var bucket = await S3ObjectTests.NewBucketAsync(s3);
        var source = S3ObjectTests.RandomBytes(6 * MiB, 3);
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "source", InputStream = new MemoryStream(source) });

        var upload = await s3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = bucket, Key = "assembled" });
        var small = await s3.UploadPartAsync(new UploadPartRequest { BucketName = bucket, Key = "assembled", UploadId = upload.UploadId, PartNumber = 1, InputStream = new MemoryStream(new byte[10]) });
        var copied = await s3.CopyPartAsync(new CopyPartRequest
        {
            SourceBucket = bucket,
            SourceKey = "source",
            DestinationBucket = bucket,
            DestinationKey = "assembled",
            UploadId = upload.UploadId,
            PartNumber = 2,
            FirstByte = 100,
            LastByte = 199,
        });
        var tooSmall = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            BucketName = bucket,
            Key = "assembled",
            UploadId = upload.UploadId,
            PartETags = [new PartETag(1, small.ETag), new PartETag(2, copied.ETag)],
        }));
        Assert.Equal("EntityTooSmall", tooSmall.ErrorCode);

        var whole = await s3.CopyPartAsync(new CopyPartRequest { SourceBucket = bucket, SourceKey = "source", DestinationBucket = bucket, DestinationKey = "assembled", UploadId = upload.UploadId, PartNumber = 1 });
        await s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            BucketName = bucket,
            Key = "assembled",
            UploadId = upload.UploadId,
            PartETags = [new PartETag(1, whole.ETag), new PartETag(2, copied.ETag)],
        });
        using var get = await s3.GetObjectAsync(bucket, "assembled");
        byte[] expected = [.. source, .. source.AsSpan(100, 100).ToArray()];
        Assert.Equal(expected, await S3ObjectTests.ReadAllAsync(get.ResponseStream));
    }
}

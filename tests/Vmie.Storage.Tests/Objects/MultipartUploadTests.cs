using System.Security.Cryptography;
using Vmie.Storage.Checksums;
using Vmie.Storage.Objects;

namespace Vmie.Storage.Tests.Objects;

public sealed class MultipartUploadTests : IDisposable
{
    private const int MiB = 1024 * 1024;
    private readonly ObjectStoreFixture _fixture = new();

    private FileSystemObjectStore Store => _fixture.Store;

    public void Dispose() => _fixture.Dispose();

    [Fact]
    public async Task A_multipart_object_reports_the_data_extents_of_its_parts_in_object_offsets()
    {
        await Store.CreateBucketAsync("bucket", "111122223333", "us-east-1");
        var upload = await Store.CreateMultipartUploadAsync("bucket", "disk.raw", ObjectWriteOptions.Default);
        // Part 1: zeros then data at its very end; part 2: data at its very start then zeros; part 3: zeros.
        var part1 = new byte[8 * MiB];
        FileSystemObjectStoreTests.RandomBytes(MiB, 4).CopyTo(part1, 7 * MiB);
        var part2 = new byte[8 * MiB];
        FileSystemObjectStoreTests.RandomBytes(MiB, 5).CopyTo(part2, 0);
        var part3 = new byte[3 * MiB];
        var p1 = await Upload(upload, 1, part1);
        var p2 = await Upload(upload, 2, part2);
        var p3 = await Upload(upload, 3, part3);
        await Store.CompleteMultipartUploadAsync("bucket", "disk.raw", upload.UploadId, [new(1, p1.ETag), new(2, p2.ETag), new(3, p3.ETag)]);

        await using var handle = await Store.OpenReadAsync("bucket", "disk.raw");
        var extents = handle.GetDataExtents().ToList();

        if (OperatingSystem.IsLinux())
        {
            // The data touching the boundary of parts 1 and 2 is one extent: 7 MiB .. 9 MiB of the object.
            var only = Assert.Single(extents);
            Assert.Equal(7 * MiB, only.Offset);
            Assert.Equal(2 * MiB, only.Length);
        }

        // Whatever the platform reports, everything outside the extents reads as zeros.
        var all = await _fixture.ReadAllAsync("bucket", "disk.raw");
        long position = 0;
        foreach (var extent in extents)
        {
            Assert.All(all.AsSpan((int)position, (int)(extent.Offset - position)).ToArray(), b => Assert.Equal(0, b));
            position = extent.End;
        }

        Assert.All(all.AsSpan((int)position).ToArray(), b => Assert.Equal(0, b));
    }

    [Fact]
    public async Task Completion_assembles_parts_without_copying_and_computes_the_md5_of_md5s_etag()
    {
        await Store.CreateBucketAsync("bucket", "111122223333", "us-east-1");
        var upload = await Store.CreateMultipartUploadAsync("bucket", "disk.vmdk", new ObjectWriteOptions { ContentType = "application/octet-stream" });
        var part1 = FileSystemObjectStoreTests.RandomBytes(5 * MiB, 1);
        var part2 = FileSystemObjectStoreTests.RandomBytes(5 * MiB + 17, 2);
        var part3 = FileSystemObjectStoreTests.RandomBytes(1234, 3);

        var p2 = await Upload(upload, 2, part2);
        var p1 = await Upload(upload, 1, part1);
        var p3 = await Upload(upload, 3, part3);
        Assert.Equal($"\"{Convert.ToHexStringLower(MD5.HashData(part1))}\"", p1.ETag);

        var info = await Store.CompleteMultipartUploadAsync("bucket", "disk.vmdk", upload.UploadId,
            [new(1, p1.ETag), new(2, p2.ETag.Trim('"').ToUpperInvariant()), new(3, p3.ETag)]);

        var expectedEtag = Convert.ToHexStringLower(MD5.HashData([.. MD5.HashData(part1), .. MD5.HashData(part2), .. MD5.HashData(part3)]));
        Assert.Equal($"\"{expectedEtag}-3\"", info.ETag);
        Assert.Equal(3, info.PartCount);
        Assert.Equal(part1.Length + part2.Length + part3.Length, info.Size);
        Assert.Equal("application/octet-stream", info.ContentType);
        Assert.Equal<byte[]>([.. part1, .. part2, .. part3], await _fixture.ReadAllAsync("bucket", "disk.vmdk"));

        // The part files became the object's segments.
        Assert.Equal(3, _fixture.BodyFiles().Count);
        await using (var handle = await Store.OpenReadAsync("bucket", "disk.vmdk"))
        {
            Assert.Equal([part1.Length, part2.Length, part3.Length], handle.PartLengths);
            var across = new byte[100];
            Assert.Equal(100, await handle.ReadAtAsync(part1.Length - 50, across));
            Assert.Equal<byte[]>([.. part1.AsSpan(part1.Length - 50).ToArray(), .. part2.AsSpan(0, 50).ToArray()], across);
        }

        Assert.Equal("NoSuchUpload", (await Assert.ThrowsAsync<ObjectStoreException>(() => Store.ListPartsAsync("bucket", "disk.vmdk", upload.UploadId, 0, 1000))).Code);
        await Store.DeleteObjectAsync("bucket", "disk.vmdk");
        Assert.Empty(_fixture.BodyFiles());
    }

    [Fact]
    public async Task Completion_validates_order_parts_etags_and_sizes()
    {
        await Store.CreateBucketAsync("bucket", "111122223333", "us-east-1");
        var upload = await Store.CreateMultipartUploadAsync("bucket", "k", ObjectWriteOptions.Default);
        var p1 = await Upload(upload, 1, new byte[100]);
        var p2 = await Upload(upload, 2, new byte[200]);

        async Task<string> Fails(params CompletedPart[] parts) =>
            (await Assert.ThrowsAsync<ObjectStoreException>(() => Store.CompleteMultipartUploadAsync("bucket", "k", upload.UploadId, parts))).Code;

        Assert.Equal("InvalidPartOrder", await Fails(new(2, p2.ETag), new(1, p1.ETag)));
        Assert.Equal("InvalidPartOrder", await Fails(new(1, p1.ETag), new(1, p1.ETag)));
        Assert.Equal("InvalidPart", await Fails(new(1, p1.ETag), new(3, p2.ETag)));
        Assert.Equal("InvalidPart", await Fails(new CompletedPart(1, p2.ETag)));
        Assert.Equal("EntityTooSmall", await Fails(new(1, p1.ETag), new(2, p2.ETag)));
        Assert.Equal("MalformedXML", await Fails());
        Assert.Equal("NoSuchUpload", (await Assert.ThrowsAsync<ObjectStoreException>(() => Store.CompleteMultipartUploadAsync("bucket", "other", upload.UploadId, [new(1, p1.ETag)]))).Code);
        Assert.Equal("InvalidArgument", (await Assert.ThrowsAsync<ObjectStoreException>(() => Upload(upload, 10001, [1]))).Code);
        Assert.Equal("InvalidArgument", (await Assert.ThrowsAsync<ObjectStoreException>(() => Upload(upload, 0, [1]))).Code);

        // A single small part is fine: only parts before the last have a minimum.
        var info = await Store.CompleteMultipartUploadAsync("bucket", "k", upload.UploadId, [new(2, p2.ETag)]);
        Assert.Equal(200, info.Size);
        Assert.Single(_fixture.BodyFiles()); // part 1 was not listed and is gone
    }

    [Fact]
    public async Task Reuploading_a_part_replaces_it_and_abort_deletes_the_parts()
    {
        await Store.CreateBucketAsync("bucket", "111122223333", "us-east-1");
        var upload = await Store.CreateMultipartUploadAsync("bucket", "k", ObjectWriteOptions.Default);
        await Upload(upload, 1, [1, 2, 3]);
        var replaced = await Upload(upload, 1, [4, 5]);
        await Upload(upload, 7, [6]);
        Assert.Equal(2, _fixture.BodyFiles().Count);

        var listing = await Store.ListPartsAsync("bucket", "k", upload.UploadId, 0, 1);
        Assert.True(listing.IsTruncated);
        Assert.Equal(1, listing.NextPartNumberMarker);
        Assert.Equal(replaced.ETag, Assert.Single(listing.Parts).ETag);
        Assert.Equal(2, listing.Parts[0].Size);
        var rest = await Store.ListPartsAsync("bucket", "k", upload.UploadId, listing.NextPartNumberMarker, 1);
        Assert.Equal(7, Assert.Single(rest.Parts).PartNumber);
        Assert.False(rest.IsTruncated);

        await Store.AbortMultipartUploadAsync("bucket", "k", upload.UploadId);
        Assert.Empty(_fixture.BodyFiles());
        Assert.Equal("NoSuchUpload", (await Assert.ThrowsAsync<ObjectStoreException>(() => Upload(upload, 2, [1]))).Code);
        Assert.Equal("NoSuchUpload", (await Assert.ThrowsAsync<ObjectStoreException>(() => Store.AbortMultipartUploadAsync("bucket", "k", upload.UploadId))).Code);
    }

    [Fact]
    public async Task Uploads_are_listed_by_key_then_age_with_markers()
    {
        await Store.CreateBucketAsync("bucket", "111122223333", "us-east-1");
        var b1 = await Store.CreateMultipartUploadAsync("bucket", "b", ObjectWriteOptions.Default);
        var a1 = await Store.CreateMultipartUploadAsync("bucket", "a", ObjectWriteOptions.Default);
        await Task.Delay(5);
        var b2 = await Store.CreateMultipartUploadAsync("bucket", "b", ObjectWriteOptions.Default);
        await Store.CreateMultipartUploadAsync("bucket", "c/x", ObjectWriteOptions.Default);

        var first = await Store.ListMultipartUploadsAsync("bucket", null, null, null, 2);
        Assert.Equal([a1.UploadId, b1.UploadId], first.Uploads.Select(u => u.UploadId));
        Assert.True(first.IsTruncated);
        var second = await Store.ListMultipartUploadsAsync("bucket", null, first.NextKeyMarker, first.NextUploadIdMarker, 2);
        Assert.Equal(["b", "c/x"], second.Uploads.Select(u => u.Key));
        Assert.Equal(b2.UploadId, second.Uploads[0].UploadId);
        Assert.False(second.IsTruncated);

        var prefixed = await Store.ListMultipartUploadsAsync("bucket", "c/", null, null, 10);
        Assert.Equal("c/x", Assert.Single(prefixed.Uploads).Key);
    }

    [Theory]
    [InlineData("CRC32", "COMPOSITE")]
    [InlineData("CRC32C", "FULL_OBJECT")]
    [InlineData("CRC64NVME", null)]
    [InlineData("SHA256", null)]
    public async Task Multipart_checksums_follow_the_upload_checksum_type(string algorithm, string? type)
    {
        await Store.CreateBucketAsync("bucket", "111122223333", "us-east-1");
        var upload = await Store.CreateMultipartUploadAsync("bucket", "k", new ObjectWriteOptions { ChecksumAlgorithm = algorithm, ChecksumType = type });
        var part1 = FileSystemObjectStoreTests.RandomBytes(5 * MiB, 4);
        var part2 = FileSystemObjectStoreTests.RandomBytes(3000, 5);
        var p1 = await Upload(upload, 1, part1);
        var p2 = await Upload(upload, 2, part2);
        var checksum = ChecksumAlgorithm.Parse(algorithm);
        Assert.Equal(checksum.ComputeBase64(part1), p1.Checksums[algorithm]);

        var info = await Store.CompleteMultipartUploadAsync("bucket", "k", upload.UploadId,
            [new(1, p1.ETag, new Dictionary<string, string> { [algorithm] = p1.Checksums[algorithm] }), new(2, p2.ETag)]);

        var fullObject = type == "FULL_OBJECT" || algorithm == "CRC64NVME";
        var expected = fullObject
            ? checksum.ComputeBase64([.. part1, .. part2])
            : checksum.ComputeBase64([.. checksum.Compute(part1), .. checksum.Compute(part2)]) + "-2";
        Assert.Equal(expected, info.Checksums[algorithm]);
    }

    [Fact]
    public async Task Mismatched_checksums_are_refused()
    {
        await Store.CreateBucketAsync("bucket", "111122223333", "us-east-1");
        var upload = await Store.CreateMultipartUploadAsync("bucket", "k", new ObjectWriteOptions { ChecksumAlgorithm = "CRC32" });
        var p1 = await Upload(upload, 1, [1, 2, 3]);
        Assert.Equal("InvalidRequest", (await Assert.ThrowsAsync<ObjectStoreException>(() => Store.UploadPartAsync("bucket", "k", upload.UploadId, 2, new MemoryStream([1]),
            new ObjectWriteOptions { ChecksumAlgorithm = "SHA1" }))).Code);
        Assert.Equal("InvalidPart", (await Assert.ThrowsAsync<ObjectStoreException>(() => Store.CompleteMultipartUploadAsync("bucket", "k", upload.UploadId,
            [new(1, p1.ETag, new Dictionary<string, string> { ["CRC32"] = "AAAAAA==" })]))).Code);
        Assert.Equal("BadDigest", (await Assert.ThrowsAsync<ObjectStoreException>(() => Store.CompleteMultipartUploadAsync("bucket", "k", upload.UploadId,
            [new(1, p1.ETag)], new Dictionary<string, string> { ["CRC32"] = "AAAAAA==" }))).Code);
        Assert.Equal("InvalidRequest", (await Assert.ThrowsAsync<ObjectStoreException>(() => Store.CreateMultipartUploadAsync("bucket", "k",
            new ObjectWriteOptions { ChecksumAlgorithm = "SHA1", ChecksumType = "FULL_OBJECT" }))).Code);
    }

    private Task<PartInfo> Upload(MultipartUploadInfo upload, int partNumber, byte[] data) =>
        Store.UploadPartAsync(upload.Bucket, upload.Key, upload.UploadId, partNumber, new MemoryStream(data), ObjectWriteOptions.Default);
}

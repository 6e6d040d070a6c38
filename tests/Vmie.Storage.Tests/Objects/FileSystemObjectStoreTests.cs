using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Vmie.Storage.Checksums;
using Vmie.Storage.Objects;

namespace Vmie.Storage.Tests.Objects;

public sealed class FileSystemObjectStoreTests : IDisposable
{
    private readonly ObjectStoreFixture _fixture = new();

    private FileSystemObjectStore Store => _fixture.Store;

    public void Dispose() => _fixture.Dispose();

    [Fact]
    public async Task Put_get_overwrite_delete_round_trip()
    {
        await Store.CreateBucketAsync("bucket", "111122223333", "us-east-1");
        var first = await _fixture.PutAsync("bucket", "dir/a.txt", "hello");
        Assert.Equal("\"5d41402abc4b2a76b9719d911017c592\"", first.ETag);
        Assert.Equal("hello", Encoding.UTF8.GetString(await _fixture.ReadAllAsync("bucket", "dir/a.txt")));

        await _fixture.PutAsync("bucket", "dir/a.txt", "second version");
        Assert.Equal("second version", Encoding.UTF8.GetString(await _fixture.ReadAllAsync("bucket", "dir/a.txt")));
        Assert.Single(_fixture.BodyFiles());

        await Store.DeleteObjectAsync("bucket", "dir/a.txt");
        Assert.Null(await Store.HeadObjectAsync("bucket", "dir/a.txt"));
        Assert.Empty(_fixture.BodyFiles());
        var missing = await Assert.ThrowsAsync<ObjectStoreException>(() => Store.OpenReadAsync("bucket", "dir/a.txt"));
        Assert.Equal("NoSuchKey", missing.Code);

        // Deleting a missing key succeeds, as in S3.
        await Store.DeleteObjectAsync("bucket", "dir/a.txt");
    }

    [Fact]
    public async Task Metadata_and_content_type_are_kept()
    {
        await Store.CreateBucketAsync("bucket", "111122223333", "us-east-1");
        await _fixture.PutAsync("bucket", "k", [1, 2, 3], new ObjectWriteOptions
        {
            ContentType = "application/x-test",
            UserMetadata = new Dictionary<string, string> { ["origin"] = "unit test" },
        });
        var info = await Store.HeadObjectAsync("bucket", "k");
        Assert.NotNull(info);
        Assert.Equal("application/x-test", info.ContentType);
        Assert.Equal("unit test", info.UserMetadata["origin"]);
        Assert.Equal(3, info.Size);
        Assert.Null(info.PartCount);
    }

    [Fact]
    public async Task Bucket_lifecycle_follows_S3_rules()
    {
        await Store.CreateBucketAsync("bucket", "111122223333", "eu-west-1");
        Assert.Equal("BucketAlreadyOwnedByYou", (await Assert.ThrowsAsync<ObjectStoreException>(() => Store.CreateBucketAsync("bucket", "111122223333", "eu-west-1"))).Code);
        Assert.Equal("BucketAlreadyExists", (await Assert.ThrowsAsync<ObjectStoreException>(() => Store.CreateBucketAsync("bucket", "999999999999", "eu-west-1"))).Code);
        Assert.Equal("eu-west-1", (await Store.GetBucketAsync("bucket"))!.Region);

        await _fixture.PutAsync("bucket", "k", "x");
        Assert.Equal("BucketNotEmpty", (await Assert.ThrowsAsync<ObjectStoreException>(() => Store.DeleteBucketAsync("bucket"))).Code);
        await Store.DeleteObjectAsync("bucket", "k");

        var upload = await Store.CreateMultipartUploadAsync("bucket", "big", ObjectWriteOptions.Default);
        Assert.Equal("BucketNotEmpty", (await Assert.ThrowsAsync<ObjectStoreException>(() => Store.DeleteBucketAsync("bucket"))).Code);
        await Store.AbortMultipartUploadAsync("bucket", "big", upload.UploadId);

        await Store.DeleteBucketAsync("bucket");
        Assert.Null(await Store.GetBucketAsync("bucket"));
        Assert.Equal("NoSuchBucket", (await Assert.ThrowsAsync<ObjectStoreException>(() => _fixture.PutAsync("bucket", "k", "x"))).Code);
        Assert.Equal("NoSuchBucket", (await Assert.ThrowsAsync<ObjectStoreException>(() => Store.DeleteBucketAsync("bucket"))).Code);
    }

    [Theory]
    [InlineData("ab")]
    [InlineData("UPPER")]
    [InlineData("-leading")]
    [InlineData("trailing-")]
    [InlineData("two..dots")]
    [InlineData("192.168.1.1")]
    [InlineData("xn--punycode")]
    [InlineData("under_score")]
    [InlineData("../../etc")]
    public async Task Invalid_bucket_names_are_refused(string name)
    {
        var error = await Assert.ThrowsAsync<ObjectStoreException>(() => Store.CreateBucketAsync(name, "111122223333", "us-east-1"));
        Assert.Equal("InvalidBucketName", error.Code);
    }

    [Fact]
    public async Task Hostile_keys_never_touch_the_file_system_outside_the_store()
    {
        await Store.CreateBucketAsync("bucket", "111122223333", "us-east-1");
        var accepted = new[] { "../../etc/passwd", "%2e%2e/x", "/abs", "..", "a//b/", "C:\\windows\\system32", new string('k', 1024) };
        foreach (var key in accepted)
        {
            await _fixture.PutAsync("bucket", key, key);
            Assert.Equal(key, Encoding.UTF8.GetString(await _fixture.ReadAllAsync("bucket", key)));
        }

        Assert.Equal("InvalidArgument", (await Assert.ThrowsAsync<ObjectStoreException>(() => _fixture.PutAsync("bucket", "a\0b", "x"))).Code);
        Assert.Equal("InvalidArgument", (await Assert.ThrowsAsync<ObjectStoreException>(() => _fixture.PutAsync("bucket", "bad\uD800surrogate", "x"))).Code);
        Assert.Equal("KeyTooLongError", (await Assert.ThrowsAsync<ObjectStoreException>(() => _fixture.PutAsync("bucket", new string('k', 1025), "x"))).Code);
        // 1024 bytes is about bytes, not characters: 342 three-byte characters are 1026 bytes.
        Assert.Equal("KeyTooLongError", (await Assert.ThrowsAsync<ObjectStoreException>(() => _fixture.PutAsync("bucket", new string('€', 342), "x"))).Code);

        // Outside the store's root only the database exists; inside it only <2 hex>/<32 hex> files and tmp/.
        var outside = Directory.EnumerateFileSystemEntries(_fixture.Directory).Select(Path.GetFileName).Order().ToList();
        Assert.All(outside, name => Assert.True(name == "objects" || name!.StartsWith("meta.db", StringComparison.Ordinal), name));
        Assert.All(Directory.EnumerateDirectories(_fixture.Root), dir =>
            Assert.Matches("^([0-9a-f]{2}|tmp)$", Path.GetFileName(dir)));
        Assert.All(Directory.EnumerateFiles(_fixture.Root, "*", SearchOption.AllDirectories), file =>
        {
            Assert.Matches("^[0-9a-f]{32}$", Path.GetFileName(file));
            Assert.Equal(Path.GetFileName(file)[..2], Path.GetFileName(Path.GetDirectoryName(file)));
        });
        Assert.DoesNotContain(Directory.EnumerateDirectories(_fixture.Root, "*", SearchOption.AllDirectories), d => Directory.EnumerateDirectories(d).Any());
        Assert.False(File.Exists(Path.Combine(_fixture.Directory, "etc", "passwd")));
        Assert.Equal(accepted.Length, _fixture.BodyFiles().Count);
    }

    [Fact]
    public async Task Failure_mid_stream_leaves_the_previous_object_and_no_temporary_file()
    {
        await Store.CreateBucketAsync("bucket", "111122223333", "us-east-1");
        await _fixture.PutAsync("bucket", "k", "original");

        var failing = new FailingStream(3 * 1024 * 1024, new IOException("client went away"));
        var error = await Assert.ThrowsAsync<IOException>(() => Store.PutObjectAsync("bucket", "k", failing, ObjectWriteOptions.Default));
        Assert.Equal("client went away", error.Message);

        Assert.Equal("original", Encoding.UTF8.GetString(await _fixture.ReadAllAsync("bucket", "k")));
        Assert.Empty(_fixture.TemporaryFiles());
        Assert.Single(_fixture.BodyFiles());

        // A new key that fails is not visible at all.
        await Assert.ThrowsAsync<IOException>(() => Store.PutObjectAsync("bucket", "new", new FailingStream(10, new IOException("boom")), ObjectWriteOptions.Default));
        Assert.Null(await Store.HeadObjectAsync("bucket", "new"));
        Assert.Empty(_fixture.TemporaryFiles());
    }

    [Fact]
    public async Task Digest_and_length_mismatches_store_nothing()
    {
        await Store.CreateBucketAsync("bucket", "111122223333", "us-east-1");
        await _fixture.PutAsync("bucket", "k", "original");
        var data = Encoding.UTF8.GetBytes("replacement");

        var badMd5 = await Assert.ThrowsAsync<ObjectStoreException>(() => _fixture.PutAsync("bucket", "k", data, new ObjectWriteOptions { ExpectedMd5 = MD5.HashData("other"u8) }));
        Assert.Equal("BadDigest", badMd5.Code);

        var badCrc = await Assert.ThrowsAsync<ObjectStoreException>(() => _fixture.PutAsync("bucket", "k", data, new ObjectWriteOptions
        {
            ExpectedChecksums = new Dictionary<string, string> { ["crc32c"] = ChecksumAlgorithm.Crc32C.ComputeBase64("other"u8) },
        }));
        Assert.Equal("BadDigest", badCrc.Code);

        var shortBody = await Assert.ThrowsAsync<ObjectStoreException>(() => _fixture.PutAsync("bucket", "k", data, new ObjectWriteOptions { ExpectedLength = data.Length + 1 }));
        Assert.Equal("IncompleteBody", shortBody.Code);

        Assert.Equal("original", Encoding.UTF8.GetString(await _fixture.ReadAllAsync("bucket", "k")));
        Assert.Empty(_fixture.TemporaryFiles());
        Assert.Single(_fixture.BodyFiles());

        var good = await _fixture.PutAsync("bucket", "k", data, new ObjectWriteOptions
        {
            ExpectedMd5 = MD5.HashData(data),
            ExpectedLength = data.Length,
            ChecksumAlgorithm = "sha256",
            ExpectedChecksums = new Dictionary<string, string> { ["CRC32C"] = ChecksumAlgorithm.Crc32C.ComputeBase64(data) },
        });
        Assert.Equal(Convert.ToBase64String(SHA256.HashData(data)), good.Checksums["SHA256"]);
        Assert.Equal(ChecksumAlgorithm.Crc32C.ComputeBase64(data), good.Checksums["CRC32C"]);
    }

    [Fact]
    public async Task Zero_blocks_become_holes_and_read_back_as_zeros()
    {
        await Store.CreateBucketAsync("bucket", "111122223333", "us-east-1");
        var data = new byte[32 * 1024 * 1024];
        data[5] = 1;
        data[20 * 1024 * 1024 + 3] = 2;
        var info = await _fixture.PutAsync("bucket", "disk.raw", data);
        Assert.Equal($"\"{Convert.ToHexStringLower(MD5.HashData(data))}\"", info.ETag);
        Assert.Equal(data, await _fixture.ReadAllAsync("bucket", "disk.raw"));

        if (OperatingSystem.IsLinux())
        {
            var file = Assert.Single(_fixture.BodyFiles());
            Assert.Equal(data.Length, new FileInfo(file).Length);
            var stat = Process.Start(new ProcessStartInfo("stat", ["-c", "%b %B", file]) { RedirectStandardOutput = true })!;
            var fields = (await stat.StandardOutput.ReadToEndAsync()).Trim().Split(' ');
            await stat.WaitForExitAsync();
            var allocated = long.Parse(fields[0]) * long.Parse(fields[1]);
            Assert.True(allocated < 1024 * 1024, $"{allocated} bytes allocated for a mostly zero 32 MiB body");
        }
    }

    [Fact]
    public async Task A_handle_keeps_reading_its_version_after_overwrite_and_delete()
    {
        await Store.CreateBucketAsync("bucket", "111122223333", "us-east-1");
        var original = RandomBytes(300_000, 1);
        await _fixture.PutAsync("bucket", "k", original);

        await using var handle = await Store.OpenReadAsync("bucket", "k");
        await _fixture.PutAsync("bucket", "k", RandomBytes(1000, 2));
        Assert.Single(_fixture.BodyFiles());
        await Store.DeleteObjectAsync("bucket", "k");
        Assert.Empty(_fixture.BodyFiles());

        var buffer = new byte[original.Length];
        Assert.Equal(original.Length, await handle.ReadAtAsync(0, buffer));
        Assert.Equal(original, buffer);

        using var stream = handle.OpenStream(1000, 5000);
        var part = new MemoryStream();
        await stream.CopyToAsync(part);
        Assert.Equal(original.AsSpan(1000, 5000).ToArray(), part.ToArray());
        Assert.Equal(0, await handle.ReadAtAsync(original.Length, new byte[10]));
    }

    [Fact]
    public async Task Concurrent_writers_to_one_key_leave_one_complete_version()
    {
        await Store.CreateBucketAsync("bucket", "111122223333", "us-east-1");
        var versions = Enumerable.Range(0, 8).Select(i => RandomBytes(1_500_000 + i, 100 + i)).ToList();

        var readers = Task.Run(async () =>
        {
            for (var i = 0; i < 30; i++)
            {
                try
                {
                    var seen = await _fixture.ReadAllAsync("bucket", "k");
                    Assert.Contains(versions, v => v.AsSpan().SequenceEqual(seen));
                }
                catch (ObjectStoreException e) when (e.Code == "NoSuchKey")
                {
                }
            }
        });
        await Task.WhenAll(versions.Select(v => Task.Run(() => _fixture.PutAsync("bucket", "k", v))).Append(readers));

        var final = await _fixture.ReadAllAsync("bucket", "k");
        Assert.Contains(versions, v => v.AsSpan().SequenceEqual(final));
        Assert.Single(_fixture.BodyFiles());
        Assert.Empty(_fixture.TemporaryFiles());
    }

    [Fact]
    public async Task Copy_shares_bodies_and_survives_deleting_the_source()
    {
        await Store.CreateBucketAsync("src", "111122223333", "us-east-1");
        await Store.CreateBucketAsync("dst", "111122223333", "us-east-1");
        var data = RandomBytes(70_000, 3);
        var source = await _fixture.PutAsync("src", "a", data, new ObjectWriteOptions { ContentType = "text/plain", UserMetadata = new Dictionary<string, string> { ["m"] = "1" } });

        var copied = await Store.CopyObjectAsync("src", "a", "dst", "b", null);
        Assert.Equal(source.ETag, copied.ETag);
        Assert.Equal("text/plain", copied.ContentType);
        Assert.Equal("1", copied.UserMetadata["m"]);
        Assert.Single(_fixture.BodyFiles());

        var replaced = await Store.CopyObjectAsync("src", "a", "dst", "c", new ObjectWriteOptions { ContentType = "application/other" });
        Assert.Equal("application/other", replaced.ContentType);
        Assert.Empty(replaced.UserMetadata);

        await Store.DeleteObjectAsync("src", "a");
        await Store.DeleteObjectAsync("dst", "c");
        Assert.Single(_fixture.BodyFiles());
        Assert.Equal(data, await _fixture.ReadAllAsync("dst", "b"));
        await Store.DeleteObjectAsync("dst", "b");
        Assert.Empty(_fixture.BodyFiles());

        Assert.Equal("NoSuchKey", (await Assert.ThrowsAsync<ObjectStoreException>(() => Store.CopyObjectAsync("src", "a", "dst", "d", null))).Code);
    }

    [Fact]
    public async Task Orphaned_body_files_are_swept_and_referenced_ones_kept()
    {
        await Store.CreateBucketAsync("bucket", "111122223333", "us-east-1");
        await _fixture.PutAsync("bucket", "kept", "data");
        var kept = Assert.Single(_fixture.BodyFiles());
        File.SetLastWriteTimeUtc(kept, DateTime.UtcNow.AddDays(-1));

        var orphanId = "ab" + new string('0', 30);
        var orphan = Path.Combine(_fixture.Root, "ab", orphanId);
        Directory.CreateDirectory(Path.GetDirectoryName(orphan)!);
        await File.WriteAllTextAsync(orphan, "left by a crash");
        var recent = Path.Combine(_fixture.Root, "ab", "ab" + new string('1', 30));
        await File.WriteAllTextAsync(recent, "a write in flight");
        File.SetLastWriteTimeUtc(orphan, DateTime.UtcNow.AddDays(-1));

        Assert.Equal(1, Store.RemoveOrphanedBodyFiles(TimeSpan.FromHours(1)));
        Assert.False(File.Exists(orphan));
        Assert.True(File.Exists(recent));
        Assert.Equal("data", Encoding.UTF8.GetString(await _fixture.ReadAllAsync("bucket", "kept")));
    }

    [Fact]
    public async Task Half_written_uploads_left_by_a_crash_are_removed_at_start_up()
    {
        await Store.CreateBucketAsync("bucket", "111122223333", "us-east-1");
        await _fixture.PutAsync("bucket", "kept", "data");
        var abandoned = Path.Combine(_fixture.Root, "tmp", "0123456789abcdef0123456789abcdef.part");
        await File.WriteAllBytesAsync(abandoned, new byte[4096]);

        // Recent temporary files are someone's write in flight...
        Assert.Equal(0, Store.RemoveOrphanedBodyFiles(TimeSpan.FromHours(1)));
        Assert.True(File.Exists(abandoned));

        // ...but a process that owns the store alone at start-up knows every one of them is abandoned.
        Assert.Equal(1, Store.RemoveOrphanedBodyFiles(TimeSpan.Zero));
        Assert.False(File.Exists(abandoned));
        Assert.Empty(_fixture.TemporaryFiles());
        Assert.Equal("data", Encoding.UTF8.GetString(await _fixture.ReadAllAsync("bucket", "kept")));
    }

    internal static byte[] RandomBytes(int length, int seed)
    {
        var data = new byte[length];
        new Random(seed).NextBytes(data);
        return data;
    }

    /// <summary>Yields <c>length</c> bytes, then throws, like a chunk decoder that detects a bad signature.</summary>
    private sealed class FailingStream(long length, Exception failure) : Stream
    {
        private long _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_position >= length)
            {
                throw failure;
            }

            var n = (int)Math.Min(count, length - _position);
            buffer.AsSpan(offset, n).Fill(0x5A);
            _position += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

using System.Text.RegularExpressions;
using Amazon.EC2;
using Amazon.EC2.Model;
using Amazon.S3;
using Amazon.S3.Model;
using Amazon.S3.Transfer;
using Vmie.Cli.Tests.Infrastructure;
using Vmie.Storage.Metadata;
using Vmie.Storage.Snapshots;

namespace Vmie.Cli.Tests.EndToEnd;

/// <summary>
/// The first user journey with the real AWS SDKs against a real `vmie serve`: upload a disk with a
/// multipart upload, import it as a snapshot, follow the task, find the snapshot, tag it, cancel another
/// import, restart the server and find everything still there.
/// </summary>
public sealed partial class SdkImportSnapshotTests
{
    private const long MiB = 1024 * 1024;

    [Fact]
    public async Task Multipart_upload_then_import_snapshot_then_restart_keeps_everything()
    {
        using var work = new TemporaryDirectory();
        var disk = work.File("disk.raw");
        DiskImageFile.Write(disk, 100 * MiB, [(0, 8 * MiB), (40 * MiB, 3 * MiB + 4096), (99 * MiB, MiB)]);

        string taskId, snapshotId;
        await using (var server = await VmieServerProcess.StartAsync(work.File("data")))
        {
            using var s3 = AwsClients.S3(server);
            using var ec2 = AwsClients.Ec2(server);

            await s3.PutBucketAsync(new PutBucketRequest { BucketName = "import-bucket" });
            using (var transfer = new TransferUtility(s3))
            {
                await transfer.UploadAsync(new TransferUtilityUploadRequest
                {
                    BucketName = "import-bucket",
                    Key = "disks/disk.raw",
                    FilePath = disk,
                    PartSize = 16 * MiB,
                });
            }

            var head = await s3.GetObjectMetadataAsync("import-bucket", "disks/disk.raw");
            Assert.Equal(100 * MiB, head.ContentLength);
            Assert.Matches(MultipartETag(), head.ETag);

            var started = await ec2.ImportSnapshotAsync(new ImportSnapshotRequest
            {
                Description = "My server disk",
                DiskContainer = new SnapshotDiskContainer
                {
                    Description = "disk one",
                    Format = "raw",
                    UserBucket = new UserBucket { S3Bucket = "import-bucket", S3Key = "disks/disk.raw" },
                },
                TagSpecifications = [new TagSpecification { ResourceType = "import-snapshot-task", Tags = [new Amazon.EC2.Model.Tag("team", "blue")] }],
            });
            taskId = started.ImportTaskId;
            Assert.Matches(ImportSnapTaskId(), taskId);
            Assert.Equal("My server disk", started.Description);
            Assert.Equal("active", started.SnapshotTaskDetail.Status);
            Assert.Equal("RAW", started.SnapshotTaskDetail.Format);
            Assert.Equal("import-bucket", started.SnapshotTaskDetail.UserBucket.S3Bucket);
            Assert.Equal("disks/disk.raw", started.SnapshotTaskDetail.UserBucket.S3Key);

            var completed = await WaitForTaskAsync(ec2, taskId, "completed");
            snapshotId = completed.SnapshotTaskDetail.SnapshotId;
            Assert.Matches(SnapshotId(), snapshotId);
            Assert.Equal(100 * MiB, (long)completed.SnapshotTaskDetail.DiskImageSize!.Value);
            Assert.Contains(completed.Tags, t => t.Key == "team" && t.Value == "blue");

            var snapshot = Assert.Single((await ec2.DescribeSnapshotsAsync(new DescribeSnapshotsRequest { SnapshotIds = [snapshotId] })).Snapshots);
            Assert.Equal(1, snapshot.VolumeSize);
            Assert.Equal(SnapshotState.Completed, snapshot.State);
            Assert.Equal(server.AccountId, snapshot.OwnerId);

            await ec2.CreateTagsAsync(new CreateTagsRequest { Resources = [snapshotId], Tags = [new Amazon.EC2.Model.Tag("Name", "imported")] });
            var tags = await ec2.DescribeTagsAsync(new DescribeTagsRequest { Filters = [new Amazon.EC2.Model.Filter("resource-id", [snapshotId])] });
            Assert.Contains(tags.Tags, t => t.Key == "Name" && t.Value == "imported" && t.ResourceType == ResourceType.Snapshot);

            var mine = await ec2.DescribeSnapshotsAsync(new DescribeSnapshotsRequest { OwnerIds = ["self"] });
            Assert.Contains(mine.Snapshots, s => s.SnapshotId == snapshotId);
        }

        // The snapshot holds exactly the disk's bytes, and only its data blocks are stored.
        var database = new MetadataDatabase(Path.Combine(work.File("data"), "vmie.db"));
        using (var store = new FileSnapshotStore(database, Path.Combine(work.File("data"), "snapshots")))
        {
            await using var snapshotDisk = await store.OpenAsync(snapshotId);
            Assert.Equal(100 * MiB, snapshotDisk.Capacity);
            await using var original = File.OpenRead(disk);
            var expected = new byte[MiB];
            var actual = new byte[MiB];
            for (long offset = 0; offset < snapshotDisk.Capacity; offset += MiB)
            {
                await original.ReadExactlyAsync(expected);
                Assert.Equal(MiB, await snapshotDisk.ReadAsync(offset, actual));
                Assert.True(expected.AsSpan().SequenceEqual(actual), $"snapshot differs from the disk in the MiB at {offset}");
            }

            Assert.Equal(13 * MiB, await store.StoredBytesAsync());
        }

        // A restart keeps tasks, snapshots, tags and objects.
        await using (var server = await VmieServerProcess.StartAsync(work.File("data")))
        {
            using var s3 = AwsClients.S3(server);
            using var ec2 = AwsClients.Ec2(server);
            var task = Assert.Single((await ec2.DescribeImportSnapshotTasksAsync(new DescribeImportSnapshotTasksRequest { ImportTaskIds = [taskId] })).ImportSnapshotTasks);
            Assert.Equal("completed", task.SnapshotTaskDetail.Status);
            Assert.Equal(snapshotId, task.SnapshotTaskDetail.SnapshotId);
            var snapshot = Assert.Single((await ec2.DescribeSnapshotsAsync(new DescribeSnapshotsRequest { SnapshotIds = [snapshotId] })).Snapshots);
            Assert.Contains(snapshot.Tags, t => t.Key == "Name" && t.Value == "imported");

            using var body = (await s3.GetObjectAsync("import-bucket", "disks/disk.raw")).ResponseStream;
            await using var original = File.OpenRead(disk);
            Assert.True(await DiskImageFile.SameContentAsync(original, body), "the uploaded object changed across the restart");

            await ec2.DeleteSnapshotAsync(new DeleteSnapshotRequest { SnapshotId = snapshotId });
            var gone = await Assert.ThrowsAsync<AmazonEC2Exception>(() => ec2.DescribeSnapshotsAsync(new DescribeSnapshotsRequest { SnapshotIds = [snapshotId] }));
            Assert.Equal("InvalidSnapshot.NotFound", gone.ErrorCode);
        }
    }

    [SkippableTheory]
    [InlineData("vmdk", "subformat=streamOptimized", "VMDK")]
    [InlineData("vpc", "subformat=dynamic,force_size=on", "VHD")]
    [InlineData("vpc", "subformat=fixed,force_size=on", "VHD")]
    [InlineData("vhdx", "subformat=dynamic", "VHDX")]
    public async Task Images_made_by_qemu_img_import_to_snapshots_holding_the_disk_bytes(string qemuFormat, string options, string format)
    {
        var qemuImg = RequiredTool.Require("qemu-img", "qemu-utils");
        using var work = new TemporaryDirectory();
        var raw = work.File("disk.raw");
        DiskImageFile.Write(raw, 64 * MiB, [(0, 2 * MiB), (30 * MiB + 512, 70000), (63 * MiB, MiB)], seed: 11);
        var image = work.File("disk.img");
        var made = await ProcessRunner.RunAsync(qemuImg, ["convert", "-O", qemuFormat, "-o", options, raw, image]);
        Assert.True(made.ExitCode == 0, made.ToString());

        string snapshotId;
        await using (var server = await VmieServerProcess.StartAsync(work.File("data")))
        {
            using var s3 = AwsClients.S3(server);
            using var ec2 = AwsClients.Ec2(server);
            await s3.PutBucketAsync(new PutBucketRequest { BucketName = "import-bucket" });
            await s3.PutObjectAsync(new PutObjectRequest { BucketName = "import-bucket", Key = "disk", FilePath = image });
            var started = await ec2.ImportSnapshotAsync(new ImportSnapshotRequest
            {
                DiskContainer = new SnapshotDiskContainer { Format = format.ToLowerInvariant(), UserBucket = new UserBucket { S3Bucket = "import-bucket", S3Key = "disk" } },
            });
            Assert.Equal(format, started.SnapshotTaskDetail.Format);
            var done = await WaitForTaskAsync(ec2, started.ImportTaskId, "completed", "deleted");
            Assert.True(done.SnapshotTaskDetail.Status == "completed", done.SnapshotTaskDetail.StatusMessage);
            Assert.Equal(new FileInfo(image).Length, (long)done.SnapshotTaskDetail.DiskImageSize!.Value);
            snapshotId = done.SnapshotTaskDetail.SnapshotId;
        }

        var database = new MetadataDatabase(Path.Combine(work.File("data"), "vmie.db"));
        using var store = new FileSnapshotStore(database, Path.Combine(work.File("data"), "snapshots"));
        await using var snapshot = await store.OpenAsync(snapshotId);
        Assert.Equal(64 * MiB, snapshot.Capacity);
        var expected = await File.ReadAllBytesAsync(raw);
        var actual = new byte[expected.Length];
        Assert.Equal(actual.Length, await snapshot.ReadAsync(0, actual));
        Assert.True(expected.AsSpan().SequenceEqual(actual), $"the {format} import does not hold the disk's bytes");
    }

    [SkippableFact]
    public async Task A_vmdk_that_is_not_stream_optimized_ends_with_the_documented_error()
    {
        var qemuImg = RequiredTool.Require("qemu-img", "qemu-utils");
        using var work = new TemporaryDirectory();
        DiskImageFile.Write(work.File("disk.raw"), 8 * MiB, [(0, MiB)], seed: 5);
        var made = await ProcessRunner.RunAsync(qemuImg, ["convert", "-O", "vmdk", "-o", "subformat=monolithicSparse", work.File("disk.raw"), work.File("disk.vmdk")]);
        Assert.True(made.ExitCode == 0, made.ToString());

        await using var server = await VmieServerProcess.StartAsync(work.File("data"));
        using var s3 = AwsClients.S3(server);
        using var ec2 = AwsClients.Ec2(server);
        await s3.PutBucketAsync(new PutBucketRequest { BucketName = "import-bucket" });
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = "import-bucket", Key = "disk.vmdk", FilePath = work.File("disk.vmdk") });
        var started = await ec2.ImportSnapshotAsync(new ImportSnapshotRequest
        {
            DiskContainer = new SnapshotDiskContainer { Format = "VMDK", UserBucket = new UserBucket { S3Bucket = "import-bucket", S3Key = "disk.vmdk" } },
        });

        var ended = await WaitForTaskAsync(ec2, started.ImportTaskId, "deleted");
        Assert.Equal("ClientError: Disk validation failed [Unsupported VMDK File Format]", ended.SnapshotTaskDetail.StatusMessage);
    }

    [Fact]
    public async Task Import_of_a_missing_key_ends_deleted_with_a_client_error()
    {
        using var work = new TemporaryDirectory();
        await using var server = await VmieServerProcess.StartAsync(work.File("data"));
        using var s3 = AwsClients.S3(server);
        using var ec2 = AwsClients.Ec2(server);
        await s3.PutBucketAsync(new PutBucketRequest { BucketName = "import-bucket" });

        var started = await ec2.ImportSnapshotAsync(new ImportSnapshotRequest
        {
            DiskContainer = new SnapshotDiskContainer { Format = "RAW", Url = "s3://import-bucket/no/such/disk.raw" },
        });

        var ended = await WaitForTaskAsync(ec2, started.ImportTaskId, "deleted");
        Assert.StartsWith("ClientError: ", ended.SnapshotTaskDetail.StatusMessage, StringComparison.Ordinal);
        Assert.True(string.IsNullOrEmpty(ended.SnapshotTaskDetail.SnapshotId));
    }

    [Fact]
    public async Task Import_from_a_presigned_url_of_this_vmie_completes_and_a_forged_one_is_refused()
    {
        using var work = new TemporaryDirectory();
        var disk = work.File("small.raw");
        DiskImageFile.Write(disk, 8 * MiB, [(MiB, 2 * MiB)], seed: 3);
        await using var server = await VmieServerProcess.StartAsync(work.File("data"));
        using var s3 = AwsClients.S3(server);
        using var ec2 = AwsClients.Ec2(server);
        await s3.PutBucketAsync(new PutBucketRequest { BucketName = "import-bucket" });
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = "import-bucket", Key = "vms/small disk.raw", FilePath = disk });

        var url = await s3.GetPreSignedURLAsync(new GetPreSignedUrlRequest
        {
            BucketName = "import-bucket",
            Key = "vms/small disk.raw",
            Verb = HttpVerb.GET,
            Expires = DateTime.UtcNow.AddMinutes(30),
            Protocol = Amazon.S3.Protocol.HTTP,
        });

        var started = await ec2.ImportSnapshotAsync(new ImportSnapshotRequest { DiskContainer = new SnapshotDiskContainer { Format = "RAW", Url = url } });
        Assert.DoesNotContain("X-Amz-Signature", started.SnapshotTaskDetail.Url ?? "", StringComparison.Ordinal);
        var done = await WaitForTaskAsync(ec2, started.ImportTaskId, "completed");
        Assert.Equal(8 * MiB, (long)done.SnapshotTaskDetail.DiskImageSize!.Value);

        var forged = url.Replace("X-Amz-Signature=", "X-Amz-Signature=0", StringComparison.Ordinal);
        var refused = await Assert.ThrowsAsync<AmazonEC2Exception>(() => ec2.ImportSnapshotAsync(new ImportSnapshotRequest { DiskContainer = new SnapshotDiskContainer { Format = "RAW", Url = forged } }));
        Assert.Equal("InvalidParameterValue", refused.ErrorCode);
        Assert.DoesNotContain("X-Amz-Signature", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancel_stops_an_active_import_and_releases_its_blocks()
    {
        using var work = new TemporaryDirectory();
        var disk = ImportImageGuests.LargeDataRaw;

        await using var server = await VmieServerProcess.StartAsync(work.File("data"), "--conversions", "1");
        using var s3 = AwsClients.S3(server);
        using var ec2 = AwsClients.Ec2(server);
        await s3.PutBucketAsync(new PutBucketRequest { BucketName = "import-bucket" });
        using (var transfer = new TransferUtility(s3))
        {
            await transfer.UploadAsync(disk, "import-bucket", "big.raw");
        }

        var started = await ec2.ImportSnapshotAsync(new ImportSnapshotRequest
        {
            DiskContainer = new SnapshotDiskContainer { Format = "RAW", UserBucket = new UserBucket { S3Bucket = "import-bucket", S3Key = "big.raw" } },
        });
        var cancelled = await ec2.CancelImportTaskAsync(new CancelImportTaskRequest { ImportTaskId = started.ImportTaskId });
        Assert.Equal(started.ImportTaskId, cancelled.ImportTaskId);
        Assert.Equal("active", cancelled.PreviousState);
        Assert.Equal("deleting", cancelled.State);

        var ended = await WaitForTaskAsync(ec2, started.ImportTaskId, "deleted");
        Assert.True(string.IsNullOrEmpty(ended.SnapshotTaskDetail.SnapshotId));

        var again = await Assert.ThrowsAsync<AmazonEC2Exception>(() => ec2.CancelImportTaskAsync(new CancelImportTaskRequest { ImportTaskId = started.ImportTaskId }));
        Assert.False(string.IsNullOrEmpty(again.ErrorCode));

        var snapshots = await ec2.DescribeSnapshotsAsync(new DescribeSnapshotsRequest { OwnerIds = ["self"] });
        Assert.Empty(snapshots.Snapshots ?? []);
        // Released in the background right after the cancellation.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (BlockBytesOnDisk(server.DataDirectory) != 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        Assert.Equal(0, BlockBytesOnDisk(server.DataDirectory));
    }

    [Fact]
    public async Task A_server_killed_during_an_import_never_leaves_the_task_active()
    {
        using var work = new TemporaryDirectory();
        var disk = ImportImageGuests.LargeDataRaw;

        string taskId;
        await using (var server = await VmieServerProcess.StartAsync(work.File("data")))
        {
            using var s3 = AwsClients.S3(server);
            using var ec2 = AwsClients.Ec2(server);
            await s3.PutBucketAsync(new PutBucketRequest { BucketName = "import-bucket" });
            using (var transfer = new TransferUtility(s3))
            {
                await transfer.UploadAsync(disk, "import-bucket", "big.raw");
            }

            taskId = (await ec2.ImportSnapshotAsync(new ImportSnapshotRequest
            {
                DiskContainer = new SnapshotDiskContainer { Format = "RAW", UserBucket = new UserBucket { S3Bucket = "import-bucket", S3Key = "big.raw" } },
            })).ImportTaskId;
            await server.KillAsync();
        }

        await using (var server = await VmieServerProcess.StartAsync(work.File("data")))
        {
            using var ec2 = AwsClients.Ec2(server);
            var ended = await WaitForTaskAsync(ec2, taskId, "completed", "deleted");
            if (ended.SnapshotTaskDetail.Status == "deleted")
            {
                Assert.StartsWith("ServerError: ", ended.SnapshotTaskDetail.StatusMessage, StringComparison.Ordinal);
            }
            else
            {
                Assert.Matches(SnapshotId(), ended.SnapshotTaskDetail.SnapshotId);
            }
        }
    }

    internal static async Task<ImportSnapshotTask> WaitForTaskAsync(AmazonEC2Client ec2, string taskId, params string[] finalStatuses)
    {
        var deadline = DateTime.UtcNow.AddMinutes(2);
        ImportSnapshotTask? task = null;
        var seen = new List<string>();
        while (DateTime.UtcNow < deadline)
        {
            var response = await ec2.DescribeImportSnapshotTasksAsync(new DescribeImportSnapshotTasksRequest { ImportTaskIds = [taskId] });
            task = Assert.Single(response.ImportSnapshotTasks);
            var detail = task.SnapshotTaskDetail;
            seen.Add($"{detail.Status}/{detail.StatusMessage}/{detail.Progress}");
            if (finalStatuses.Contains(detail.Status))
            {
                return task;
            }

            Assert.Equal("active", detail.Status is "deleting" ? "active" : detail.Status);
            await Task.Delay(100);
        }

        Assert.Fail($"task {taskId} did not reach {string.Join("/", finalStatuses)}; seen: {string.Join(", ", seen.Distinct())}");
        return task!;
    }

    private static long BlockBytesOnDisk(string dataDirectory)
    {
        var blocks = Path.Combine(dataDirectory, "snapshots");
        return Directory.Exists(blocks)
            ? new DirectoryInfo(blocks).EnumerateFiles("*", SearchOption.AllDirectories).Where(f => !f.Name.EndsWith(".db", StringComparison.Ordinal)).Sum(f => f.Length)
            : 0;
    }

    [GeneratedRegex("^import-snap-[0-9a-f]{17}$")]
    private static partial Regex ImportSnapTaskId();

    [GeneratedRegex("^snap-[0-9a-f]{17}$")]
    private static partial Regex SnapshotId();

    [GeneratedRegex("^\"[0-9a-f]{32}-7\"$")]
    private static partial Regex MultipartETag();
}

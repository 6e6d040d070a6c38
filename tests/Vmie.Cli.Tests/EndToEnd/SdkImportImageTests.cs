using System.Net;
using Amazon.EC2;
using Amazon.EC2.Model;
using Amazon.S3;
using Amazon.S3.Model;
using Vmie.Cli.Tests.Infrastructure;

namespace Vmie.Cli.Tests.EndToEnd;

/// <summary>
/// ImportImage, DescribeImportImageTasks and CancelImportTask with the AWS SDK against a real `vmie serve`:
/// the request side and the task records (SdkImageImportRunTests runs tasks to their end on real guests; the
/// objects named here do not exist, so a worker ends their tasks with the 404 message).
/// </summary>
public sealed class SdkImportImageTests : IAsyncLifetime
{
    private readonly TemporaryDirectory _work = new();
    private VmieServerProcess _server = null!;
    private AmazonEC2Client _ec2 = null!;

    public async Task InitializeAsync()
    {
        _server = await VmieServerProcess.StartAsync(_work.File("data"));
        using var s3 = AwsClients.S3(_server);
        await s3.PutBucketAsync(new PutBucketRequest { BucketName = "my-import-bucket" });
        _ec2 = AwsClients.Ec2(_server);
    }

    public async Task DisposeAsync()
    {
        _ec2.Dispose();
        await _server.DisposeAsync();
        _work.Dispose();
    }

    private static ImageDiskContainer Disk(string format, string key, string? description = null) => new()
    {
        Description = description,
        Format = format,
        UserBucket = new UserBucket { S3Bucket = "my-import-bucket", S3Key = key },
    };

    private async Task<AmazonEC2Exception> RefusedAsync(ImportImageRequest request, string code)
    {
        var error = await Assert.ThrowsAsync<AmazonEC2Exception>(() => _ec2.ImportImageAsync(request));
        Assert.Equal(code, error.ErrorCode);
        return error;
    }

    [Fact]
    public async Task The_spec_examples_answer_at_once_and_describe_as_AWS_shows_them()
    {
        var ova = await _ec2.ImportImageAsync(new ImportImageRequest
        {
            Description = "My server VM",
            LicenseType = "byol",
            DiskContainers = [Disk("ova", "vms/my-server-vm.ova", "My Server OVA")],
            TagSpecifications = [new TagSpecification { ResourceType = ResourceType.ImportImageTask, Tags = [new Amazon.EC2.Model.Tag("team", "blue")] }],
        });
        Assert.Matches("^import-ami-[0-9a-f]{17}$", ova.ImportTaskId);
        Assert.Equal(("active", "pending", "2"), (ova.Status, ova.StatusMessage, ova.Progress));
        Assert.Equal("BYOL", ova.LicenseType);
        Assert.Equal("My server VM", ova.Description);
        var detail = Assert.Single(ova.SnapshotDetails);
        Assert.Equal(("OVA", 0.0, "My Server OVA"), (detail.Format, detail.DiskImageSize, detail.Description));
        Assert.Equal(("my-import-bucket", "vms/my-server-vm.ova"), (detail.UserBucket.S3Bucket, detail.UserBucket.S3Key));
        Assert.Contains(ova.Tags, t => t.Key == "team" && t.Value == "blue");

        var vmdks = await _ec2.ImportImageAsync(new ImportImageRequest
        {
            Encrypted = true,
            KmsKeyId = "alias/aws/ebs",
            BootMode = BootModeValues.Uefi,
            Platform = "Windows",
            UsageOperation = "RunInstances:0006",
            LicenseSpecifications = [new ImportImageLicenseConfigurationRequest { LicenseConfigurationArn = "arn:aws:license-manager:us-east-1:111122223333:license-configuration:lic-0123456789abcdef0123456789abcdef" }],
            DiskContainers = [Disk("vmdk", "disks/my-server-vm-disk1.vmdk", "First disk"), Disk("VMDK", "disks/my-server-vm-disk2.vmdk", "Second disk")],
        });
        Assert.Equal(["First disk", "Second disk"], vmdks.SnapshotDetails.Select(d => d.Description));
        Assert.True(vmdks.Encrypted);
        Assert.Equal(("alias/aws/ebs", "Windows", "RunInstances:0006"), (vmdks.KmsKeyId, vmdks.Platform, vmdks.UsageOperation));
        Assert.Single(vmdks.LicenseSpecifications);

        var all = await _ec2.DescribeImportImageTasksAsync(new DescribeImportImageTasksRequest());
        Assert.Equal([ova.ImportTaskId, vmdks.ImportTaskId], all.ImportImageTasks.Select(t => t.ImportTaskId));
        var described = all.ImportImageTasks[1];
        Assert.Equal(BootModeValues.Uefi, described.BootMode);
        // A worker may already have ended it: its objects do not exist.
        Assert.Contains(described.Status, new[] { "active", "deleted" });
        Assert.Equal(["VMDK", "VMDK"], described.SnapshotDetails.Select(d => d.Format));

        var byId = await _ec2.DescribeImportImageTasksAsync(new DescribeImportImageTasksRequest { ImportTaskIds = [ova.ImportTaskId] });
        Assert.Equal(ova.ImportTaskId, Assert.Single(byId.ImportImageTasks).ImportTaskId);
        var filtered = await _ec2.DescribeImportImageTasksAsync(new DescribeImportImageTasksRequest { Filters = [new Amazon.EC2.Model.Filter("tag:team", ["blue"])] });
        Assert.Equal(ova.ImportTaskId, Assert.Single(filtered.ImportImageTasks).ImportTaskId);

        var first = await _ec2.DescribeImportImageTasksAsync(new DescribeImportImageTasksRequest { MaxResults = 1 });
        Assert.Equal(ova.ImportTaskId, Assert.Single(first.ImportImageTasks).ImportTaskId);
        var second = await _ec2.DescribeImportImageTasksAsync(new DescribeImportImageTasksRequest { MaxResults = 1, NextToken = first.NextToken });
        Assert.Equal(vmdks.ImportTaskId, Assert.Single(second.ImportImageTasks).ImportTaskId);
        Assert.True(string.IsNullOrEmpty(second.NextToken));
    }

    [Fact]
    public async Task A_client_token_makes_ImportImage_idempotent()
    {
        ImportImageRequest Request(string? license = null) => new()
        {
            ClientToken = "retry-me",
            LicenseType = license,
            DiskContainers = [new ImageDiskContainer { Format = "raw", Url = "s3://my-import-bucket/disk.raw" }],
        };

        var first = await _ec2.ImportImageAsync(Request());
        var again = await _ec2.ImportImageAsync(Request());
        Assert.Equal(first.ImportTaskId, again.ImportTaskId);
        Assert.Equal("s3://my-import-bucket/disk.raw", Assert.Single(again.SnapshotDetails).Url);
        await RefusedAsync(Request("AWS"), "IdempotentParameterMismatch");
    }

    [Fact]
    public async Task A_missing_object_ends_the_task_deleted_and_cancel_is_then_refused()
    {
        var task = await _ec2.ImportImageAsync(new ImportImageRequest { DiskContainers = [Disk("vhdx", "disk.vhdx")] });

        var deadline = DateTime.UtcNow.AddSeconds(30);
        ImportImageTask ended;
        do
        {
            await Task.Delay(50);
            ended = Assert.Single((await _ec2.DescribeImportImageTasksAsync(new DescribeImportImageTasksRequest { ImportTaskIds = [task.ImportTaskId] })).ImportImageTasks);
            Assert.True(DateTime.UtcNow < deadline, "the task did not end");
        }
        while (ended.Status == "active");

        Assert.Equal(("deleted", "ClientError: Disk validation failed [We do not have access to the given resource. Reason 404 Not Found]"), (ended.Status, ended.StatusMessage));
        Assert.True(string.IsNullOrEmpty(ended.Progress));
        var deleted = await _ec2.DescribeImportImageTasksAsync(new DescribeImportImageTasksRequest { Filters = [new Amazon.EC2.Model.Filter("task-state", ["deleted"])] });
        Assert.Equal(task.ImportTaskId, Assert.Single(deleted.ImportImageTasks).ImportTaskId);

        var again = await Assert.ThrowsAsync<AmazonEC2Exception>(() => _ec2.CancelImportTaskAsync(new CancelImportTaskRequest { ImportTaskId = task.ImportTaskId }));
        Assert.Equal("IncorrectState", again.ErrorCode);
    }

    [Fact]
    public async Task Faults_in_the_request_get_EC2s_error_codes()
    {
        await RefusedAsync(new ImportImageRequest(), "MissingParameter");
        await RefusedAsync(new ImportImageRequest { DiskContainers = Enumerable.Range(0, 22).Select(i => Disk("vmdk", $"d{i}.vmdk")).ToList() }, "InvalidParameterValue");
        await RefusedAsync(new ImportImageRequest { DiskContainers = [Disk("qcow2", "d.qcow2")] }, "InvalidParameterValue");
        await RefusedAsync(new ImportImageRequest { DiskContainers = [Disk("ova", "a.ova"), Disk("vmdk", "b.vmdk")] }, "InvalidParameterValue");
        await RefusedAsync(new ImportImageRequest { LicenseType = "AWS", UsageOperation = "RunInstances:0002", DiskContainers = [Disk("ova", "a.ova")] }, "InvalidParameterCombination");
        await RefusedAsync(new ImportImageRequest { UsageOperation = "RunInstances:1234", DiskContainers = [Disk("ova", "a.ova")] }, "InvalidParameterValue");
        await RefusedAsync(new ImportImageRequest { Architecture = "arm64", DiskContainers = [Disk("ova", "a.ova")] }, "InvalidParameterValue");
        await RefusedAsync(new ImportImageRequest { KmsKeyId = "alias/aws/ebs", DiskContainers = [Disk("ova", "a.ova")] }, "InvalidParameterCombination");
        await RefusedAsync(new ImportImageRequest { DiskContainers = [new ImageDiskContainer { Format = "ova", UserBucket = new UserBucket { S3Bucket = "not-mine", S3Key = "a.ova" } }] }, "InvalidParameter");
        await RefusedAsync(new ImportImageRequest { DiskContainers = [new ImageDiskContainer { SnapshotId = "snap-0123456789abcdef0" }] }, "InvalidSnapshot.NotFound");
        await RefusedAsync(new ImportImageRequest { BootMode = BootModeValues.Uefi, DiskContainers = [new ImageDiskContainer { SnapshotId = "snap-0123456789abcdef0" }] }, "MissingParameter");
        await RefusedAsync(new ImportImageRequest
        {
            DiskContainers = [Disk("ova", "a.ova")],
            TagSpecifications = [new TagSpecification { ResourceType = ResourceType.ImportSnapshotTask, Tags = [new Amazon.EC2.Model.Tag("k", "v")] }],
        }, "InvalidParameterValue");

        var dryRun = await RefusedAsync(new ImportImageRequest { DryRun = true, DiskContainers = [Disk("ova", "a.ova")] }, "DryRunOperation");
        Assert.Equal(HttpStatusCode.PreconditionFailed, dryRun.StatusCode);

        var malformed = await Assert.ThrowsAsync<AmazonEC2Exception>(() => _ec2.DescribeImportImageTasksAsync(new DescribeImportImageTasksRequest { ImportTaskIds = ["import-ami-nope"] }));
        Assert.Equal("InvalidConversionTaskId.Malformed", malformed.ErrorCode);
        var unknown = await Assert.ThrowsAsync<AmazonEC2Exception>(() => _ec2.DescribeImportImageTasksAsync(new DescribeImportImageTasksRequest { ImportTaskIds = ["import-ami-0123456789abcdef0"] }));
        Assert.Equal("InvalidConversionTaskId.Malformed", unknown.ErrorCode);

        Assert.Empty((await _ec2.DescribeImportImageTasksAsync(new DescribeImportImageTasksRequest())).ImportImageTasks ?? []);
    }

    [SkippableFact]
    public async Task Image_and_snapshot_imports_share_the_limit_of_five_active_tasks()
    {
        // One worker, busy for seconds with a large disk: the tasks behind it stay active (pending) meanwhile.
        using var work = new TemporaryDirectory();
        await using var server = await VmieServerProcess.StartAsync(work.File("data"), "--conversions", "1");
        using var s3 = AwsClients.S3(server);
        using var ec2 = AwsClients.Ec2(server);
        await StartLargeSnapshotImportAsync(s3, ec2);
        for (var i = 0; i < 3; i++)
        {
            await ec2.ImportImageAsync(new ImportImageRequest { DiskContainers = [Disk("ova", $"vm{i}.ova")] });
        }

        await ec2.ImportSnapshotAsync(new ImportSnapshotRequest { DiskContainer = new SnapshotDiskContainer { Format = "RAW", Url = "s3://my-import-bucket/missing.raw" } });

        var image = await Assert.ThrowsAsync<AmazonEC2Exception>(() => ec2.ImportImageAsync(new ImportImageRequest { DiskContainers = [Disk("ova", "vm5.ova")] }));
        Assert.Equal("ResourceLimitExceeded", image.ErrorCode);
        var snapshot = await Assert.ThrowsAsync<AmazonEC2Exception>(() => ec2.ImportSnapshotAsync(new ImportSnapshotRequest { DiskContainer = new SnapshotDiskContainer { Format = "RAW", Url = "s3://my-import-bucket/x.raw" } }));
        Assert.Equal("ResourceLimitExceeded", snapshot.ErrorCode);
    }

    [SkippableFact]
    public async Task The_active_task_limit_is_configurable()
    {
        using var work = new TemporaryDirectory();
        await using var server = await VmieServerProcess.StartAsync(work.File("data"), "--conversions", "1", "--max-active-tasks", "2");
        using var s3 = AwsClients.S3(server);
        using var ec2 = AwsClients.Ec2(server);
        await StartLargeSnapshotImportAsync(s3, ec2);
        await ec2.ImportImageAsync(new ImportImageRequest { DiskContainers = [Disk("ova", "vm1.ova")] });

        var third = await Assert.ThrowsAsync<AmazonEC2Exception>(() => ec2.ImportImageAsync(new ImportImageRequest { DiskContainers = [Disk("ova", "vm2.ova")] }));
        Assert.Equal("ResourceLimitExceeded", third.ErrorCode);
    }

    /// <summary>
    /// Creates the bucket and starts an import that keeps the only worker busy for seconds (see
    /// <see cref="ImportImageGuests.LargeDataRaw"/>).
    /// </summary>
    private static async Task StartLargeSnapshotImportAsync(IAmazonS3 s3, IAmazonEC2 ec2)
    {
        await s3.PutBucketAsync(new PutBucketRequest { BucketName = "my-import-bucket" });
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = "my-import-bucket", Key = "large.raw", FilePath = ImportImageGuests.LargeDataRaw });
        await ec2.ImportSnapshotAsync(new ImportSnapshotRequest { DiskContainer = new SnapshotDiskContainer { Format = "RAW", Url = "s3://my-import-bucket/large.raw" } });
    }
}

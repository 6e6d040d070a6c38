using System.Globalization;
using Amazon.EC2;
using Amazon.EC2.Model;
using Amazon.S3.Model;
using Vmie.Cli.Tests.Infrastructure;

namespace Vmie.Cli.Tests.EndToEnd;

/// <summary>
/// ImportImage run to its end by a real `vmie serve`, driven with the AWS SDK, on real guests
/// (<see cref="ImportImageGuests"/>): the spec's examples, every disk format, the snapshot + RegisterImage path,
/// cancel and restart in the middle, and Windows licensing (every inspection verdict's StatusMessage: ImportImageVerdictTests).
/// Progress is checked to never go down in every describe.
/// </summary>
public sealed class SdkImageImportRunTests : IAsyncLifetime
{
    private const string Bucket = "my-import-bucket";
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(5);

    private readonly TemporaryDirectory _work = new();
    private VmieServerProcess _server = null!;
    private AmazonEC2Client _ec2 = null!;

    public async Task InitializeAsync()
    {
        _server = await VmieServerProcess.StartAsync(_work.File("data"));
        using var s3 = AwsClients.S3(_server);
        await s3.PutBucketAsync(new PutBucketRequest { BucketName = Bucket });
        _ec2 = AwsClients.Ec2(_server);
    }

    public async Task DisposeAsync()
    {
        _ec2.Dispose();
        await _server.DisposeAsync();
        _work.Dispose();
    }

    private async Task<string> UploadAsync(string key, string file)
    {
        using var s3 = AwsClients.S3(_server);
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = Bucket, Key = key, FilePath = file });
        return key;
    }

    private static ImageDiskContainer Disk(string format, string key, string? description = null) => new()
    {
        Description = description,
        Format = format,
        UserBucket = new UserBucket { S3Bucket = Bucket, S3Key = key },
    };

    private async Task<string> ImportAsync(ImportImageRequest request) => (await _ec2.ImportImageAsync(request)).ImportTaskId;

    /// <summary>Describes every 50 ms until <paramref name="until"/> holds; Progress must never go down on the way.</summary>
    private async Task<ImportImageTask> WaitAsync(string id, Func<ImportImageTask, bool> until, List<string>? stages = null)
    {
        var deadline = DateTime.UtcNow + Patience;
        var last = 0;
        while (true)
        {
            var task = Assert.Single((await _ec2.DescribeImportImageTasksAsync(new DescribeImportImageTasksRequest { ImportTaskIds = [id] })).ImportImageTasks);
            if (!string.IsNullOrEmpty(task.Progress))
            {
                var progress = int.Parse(task.Progress, CultureInfo.InvariantCulture);
                Assert.True(progress >= last, $"Progress went down from {last} to {progress}");
                last = progress;
            }

            if (stages is not null && !string.IsNullOrEmpty(task.StatusMessage) && (stages.Count == 0 || stages[^1] != task.StatusMessage))
            {
                stages.Add(task.StatusMessage);
            }

            if (until(task))
            {
                return task;
            }

            Assert.True(DateTime.UtcNow < deadline, $"Task {id} did not get there: {task.Status} / {task.StatusMessage} / {task.Progress}\n{_server.Output}");
            await Task.Delay(50);
        }
    }

    private Task<ImportImageTask> WaitForEndAsync(string id, List<string>? stages = null) =>
        WaitAsync(id, task => task.Status is "completed" or "deleted", stages);

    /// <summary>
    /// A guest and a large data disk: a cancel or a kill sent once "converting" is seen lands in the middle of the
    /// conversion on any machine, not after it.
    /// </summary>
    private async Task<string> ImportWithLargeDataDiskAsync()
    {
        await UploadAsync("disks/disk.raw", ImportImageGuests.DebianRaw);
        await UploadAsync("disks/large-data.raw", ImportImageGuests.LargeDataRaw);
        return await ImportAsync(new ImportImageRequest { DiskContainers = [Disk("raw", "disks/disk.raw"), Disk("raw", "disks/large-data.raw")] });
    }

    private async Task<Image> DescribeImageAsync(string imageId) =>
        Assert.Single((await _ec2.DescribeImagesAsync(new DescribeImagesRequest { ImageIds = [imageId] })).Images);

    private async Task<List<Snapshot>> OwnSnapshotsAsync() =>
        (await _ec2.DescribeSnapshotsAsync(new DescribeSnapshotsRequest { OwnerIds = ["self"] })).Snapshots ?? [];

    [SkippableFact]
    public async Task Example_1_an_ova_of_a_linux_guest_is_refused_with_an_aws_license_and_becomes_an_ami_as_byol()
    {
        await UploadAsync("vms/my-server-vm.ova", ImportImageGuests.DebianOva);

        var refused = await WaitForEndAsync(await ImportAsync(new ImportImageRequest
        {
            Description = "My server VM",
            LicenseType = "AWS",
            DiskContainers = [Disk("ova", "vms/my-server-vm.ova", "My Server OVA")],
        }));
        Assert.Equal("deleted", refused.Status);
        Assert.StartsWith("ClientError: LicenseType AWS includes an AWS operating system license, which Linux does not support", refused.StatusMessage, StringComparison.Ordinal);
        Assert.Empty(await OwnSnapshotsAsync());

        var stages = new List<string>();
        var id = await ImportAsync(new ImportImageRequest
        {
            Description = "My server VM",
            LicenseType = "BYOL",
            DiskContainers = [Disk("ova", "vms/my-server-vm.ova", "My Server OVA")],
        });
        var task = await WaitForEndAsync(id, stages);

        Assert.Equal("completed", task.Status);
        Assert.True(string.IsNullOrEmpty(task.StatusMessage));
        Assert.True(string.IsNullOrEmpty(task.Progress));
        Assert.Contains("converting", stages);
        Assert.Matches("^ami-[0-9a-f]{17}$", task.ImageId);
        Assert.Equal(("Linux", "x86_64", "BYOL"), (task.Platform, task.Architecture, task.LicenseType));
        var detail = Assert.Single(task.SnapshotDetails);
        Assert.Equal(("completed", "/dev/sda1", "VMDK"), (detail.Status, detail.DeviceName, detail.Format));
        Assert.Equal(new FileInfo(ImportImageGuests.DebianVmdk).Length, (long)(detail.DiskImageSize ?? 0));

        var image = await DescribeImageAsync(task.ImageId);
        Assert.Equal((id, "My server VM", "available"), (image.Name, image.Description, image.State.Value));
        Assert.True(image.Platform is null || string.IsNullOrEmpty(image.Platform.Value));
        Assert.Equal(("Linux/UNIX", "RunInstances", "legacy-bios", "x86_64"), (image.PlatformDetails, image.UsageOperation, image.BootMode.Value, image.Architecture.Value));
        Assert.Equal(("/dev/sda1", "ebs", "hvm"), (image.RootDeviceName, image.RootDeviceType.Value, image.VirtualizationType.Value));
        var mapping = Assert.Single(image.BlockDeviceMappings);
        Assert.Equal(("/dev/sda1", detail.SnapshotId, 1), (mapping.DeviceName, mapping.Ebs.SnapshotId, mapping.Ebs.VolumeSize));

        var snapshot = Assert.Single(await OwnSnapshotsAsync());
        Assert.Equal((detail.SnapshotId, $"Created by AWS-VMImport service for {id}", "completed"), (snapshot.SnapshotId, snapshot.Description, snapshot.State.Value));
    }

    [SkippableFact]
    public async Task Example_2_the_second_of_two_vmdks_becomes_sdb()
    {
        await UploadAsync("disks/my-server-vm-disk1.vmdk", ImportImageGuests.DebianVmdk);
        await UploadAsync("disks/my-server-vm-disk2.vmdk", ImportImageGuests.DataVmdk);

        var task = await WaitForEndAsync(await ImportAsync(new ImportImageRequest
        {
            DiskContainers = [Disk("vmdk", "disks/my-server-vm-disk1.vmdk", "First disk"), Disk("vmdk", "disks/my-server-vm-disk2.vmdk", "Second disk")],
        }));

        Assert.Equal("completed", task.Status);
        Assert.Equal([("/dev/sda1", "First disk"), ("/dev/sdb", "Second disk")], task.SnapshotDetails.Select(d => (d.DeviceName, d.Description)));
        var image = await DescribeImageAsync(task.ImageId);
        Assert.Equal(task.SnapshotDetails.Select(d => (d.DeviceName, d.SnapshotId)), image.BlockDeviceMappings.Select(m => (m.DeviceName, m.Ebs.SnapshotId)));
        Assert.Equal(2, (await OwnSnapshotsAsync()).Count);
    }

    [SkippableTheory]
    [InlineData("VHD")]
    [InlineData("VHDX")]
    [InlineData("RAW")]
    public async Task Every_single_disk_format_becomes_an_ami(string format)
    {
        var file = format switch
        {
            "VHD" => ImportImageGuests.DebianVhd,
            "VHDX" => ImportImageGuests.DebianVhdx,
            _ => ImportImageGuests.DebianRaw,
        };
        await UploadAsync("disks/disk." + format.ToLowerInvariant(), file);

        var task = await WaitForEndAsync(await ImportAsync(new ImportImageRequest { DiskContainers = [Disk(format.ToLowerInvariant(), "disks/disk." + format.ToLowerInvariant())] }));

        Assert.Equal("completed", task.Status);
        Assert.Equal((format, "/dev/sda1"), (Assert.Single(task.SnapshotDetails).Format, task.SnapshotDetails[0].DeviceName));
        Assert.Equal("legacy-bios", (await DescribeImageAsync(task.ImageId)).BootMode.Value);
    }

    [SkippableFact]
    public async Task A_snapshot_imported_on_its_own_registers_as_an_ami()
    {
        await UploadAsync("disks/disk1.vmdk", ImportImageGuests.DebianVmdk);
        var snapshotTask = await _ec2.ImportSnapshotAsync(new ImportSnapshotRequest
        {
            DiskContainer = new SnapshotDiskContainer { Format = "VMDK", UserBucket = new UserBucket { S3Bucket = Bucket, S3Key = "disks/disk1.vmdk" } },
        });
        var deadline = DateTime.UtcNow + Patience;
        SnapshotTaskDetail detail;
        do
        {
            await Task.Delay(100);
            detail = Assert.Single((await _ec2.DescribeImportSnapshotTasksAsync(new DescribeImportSnapshotTasksRequest { ImportTaskIds = [snapshotTask.ImportTaskId] })).ImportSnapshotTasks).SnapshotTaskDetail;
            Assert.True(DateTime.UtcNow < deadline, "the snapshot import did not end");
        }
        while (detail.Status == "active");
        Assert.Equal("completed", detail.Status);

        var registered = await _ec2.RegisterImageAsync(new RegisterImageRequest
        {
            Name = "debian-from-snapshot",
            Architecture = ArchitectureValues.X86_64,
            RootDeviceName = "/dev/sda1",
            BootMode = BootModeValues.LegacyBios,
            EnaSupport = true,
            VirtualizationType = "hvm",
            BlockDeviceMappings = [new BlockDeviceMapping { DeviceName = "/dev/sda1", Ebs = new EbsBlockDevice { SnapshotId = detail.SnapshotId } }],
        });

        var image = await DescribeImageAsync(registered.ImageId);
        Assert.Equal(("debian-from-snapshot", "available", "Linux/UNIX", "legacy-bios"), (image.Name, image.State.Value, image.PlatformDetails, image.BootMode.Value));
        Assert.Equal(detail.SnapshotId, Assert.Single(image.BlockDeviceMappings).Ebs.SnapshotId);
    }

    [SkippableFact]
    public async Task Cancelling_in_the_middle_ends_deleted_and_leaves_no_snapshot()
    {
        var id = await ImportWithLargeDataDiskAsync();
        await WaitAsync(id, task => task.StatusMessage == "converting" || task.Status != "active");

        var cancelled = await _ec2.CancelImportTaskAsync(new CancelImportTaskRequest { ImportTaskId = id });
        Assert.Equal(("active", "deleting"), (cancelled.PreviousState, cancelled.State));
        var task = await WaitForEndAsync(id);

        Assert.Equal(("deleted", "User initiated task cancelation"), (task.Status, task.StatusMessage));
        Assert.True(string.IsNullOrEmpty(task.ImageId));
        Assert.Empty(await OwnSnapshotsAsync());
        Assert.Empty((await _ec2.DescribeImagesAsync(new DescribeImagesRequest { Owners = ["self"] })).Images ?? []);
    }

    [SkippableFact]
    public async Task A_server_killed_in_the_middle_completes_the_task_once_started_again()
    {
        var id = await ImportWithLargeDataDiskAsync();
        await WaitAsync(id, task => task.StatusMessage == "converting" || task.Status != "active");

        await _server.KillAsync();
        _ec2.Dispose();
        await _server.DisposeAsync();
        _server = await VmieServerProcess.StartAsync(_work.File("data"));
        _ec2 = AwsClients.Ec2(_server);
        var task = await WaitForEndAsync(id);

        Assert.Equal("completed", task.Status);
        var snapshots = (await OwnSnapshotsAsync()).Select(snapshot => snapshot.SnapshotId).Order();
        Assert.Equal(task.SnapshotDetails.Select(detail => detail.SnapshotId).Order(), snapshots);
        Assert.Equal(snapshots, (await DescribeImageAsync(task.ImageId)).BlockDeviceMappings.Select(mapping => mapping.Ebs.SnapshotId).Order());
        Assert.Equal(2, task.SnapshotDetails.Count);
    }

    [SkippableFact]
    public async Task A_windows_server_takes_the_included_license_and_a_windows_client_refuses_it()
    {
        await UploadAsync("windows/server.vhdx", ImportImageGuests.WindowsServerVhdx);
        await UploadAsync("windows/client.vhdx", ImportImageGuests.WindowsClientVhdx);

        var server = await WaitForEndAsync(await ImportAsync(new ImportImageRequest { DiskContainers = [Disk("vhdx", "windows/server.vhdx")] }));
        var client = await WaitForEndAsync(await ImportAsync(new ImportImageRequest { LicenseType = "AWS", DiskContainers = [Disk("vhdx", "windows/client.vhdx")] }));

        Assert.Equal(("completed", "Windows", "AWS", "RunInstances:0002"), (server.Status, server.Platform, server.LicenseType, server.UsageOperation));
        var image = await DescribeImageAsync(server.ImageId);
        // The wire says "windows"; the SDK maps it onto its constant PlatformValues.Windows ("Windows").
        Assert.Equal(PlatformValues.Windows, image.Platform);
        Assert.Equal(("Windows", "RunInstances:0002", "legacy-bios"), (image.PlatformDetails, image.UsageOperation, image.BootMode.Value));
        Assert.Equal("deleted", client.Status);
        Assert.StartsWith("ClientError: LicenseType AWS includes an AWS operating system license, which a Windows client operating system does not support", client.StatusMessage, StringComparison.Ordinal);
    }
}

using System.Globalization;
using Vmie.Ec2.Contracts.Common;
using Vmie.Ec2.Contracts.Images;
using Vmie.Ec2.Contracts.ImportImages;
using Vmie.Ec2.Contracts.ImportSnapshots;
using Vmie.Ec2.Contracts.Snapshots;
using Vmie.Ec2.Tasks;
using Vmie.Ec2.Tests.ImageImports;
using Vmie.Ec2.Tests.TestDoubles;

namespace Vmie.Ec2.Tests.Tasks;

/// <summary>
/// Import-image tasks run by the task runner over the real SQLite metadata, in-memory stores and real Debian guests
/// (built by <see cref="LinuxGuestImages"/>, converted by qemu-img): completion into an AMI, licensing refusals,
/// cancellation, hand-back at shutdown and recovery after a crash, with every snapshot of a run that did not
/// complete released.
/// </summary>
public sealed class ImportImageRunnerTests : IClassFixture<LinuxGuestImages>, IAsyncLifetime
{
    private readonly LinuxGuestImages _images;
    private Ec2TestHost _host = null!;

    public ImportImageRunnerTests(LinuxGuestImages images)
    {
        _images = images;
    }

    public Task InitializeAsync()
    {
        _host = Ec2TestHost.Create();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private static ImageDiskContainer Disk(string format, string key, string? description = null) => new()
    {
        Description = description,
        Format = format,
        UserBucket = new UserBucket { S3Bucket = Ec2TestHost.Bucket, S3Key = key },
    };

    private string Put(string key, string file)
    {
        _host.Objects.Put(Ec2TestHost.Bucket, key, File.ReadAllBytes(file));
        return key;
    }

    private string PutTwoDiskOva()
    {
        var boot = ImageTool.Convert(_images.BiosOnly, "vmdk", ".vmdk");
        var data = ImageTool.Convert(_images.Data, "vhdx", ".vhdx");
        var ova = Path.Combine(_images.Scratch, "runner-two.ova");
        if (!File.Exists(ova))
        {
            OvaFile.Write(ova, [(boot, new FileInfo(_images.BiosOnly).Length), (data, new FileInfo(_images.Data).Length)]);
        }

        return Put("vms/two.ova", ova);
    }

    private async Task<string> ImportAsync(ImportImageRequest request) => (await _host.ImportImage.ImportAsync(request, _host.Context)).ImportTaskId!;

    private async Task<ImportImageTask> DescribeAsync(string id, Ec2TestHost? host = null) =>
        Assert.Single((await (host ?? _host).ImportImage.DescribeAsync(new DescribeImportImageTasksRequest { ImportTaskIds = [id] }, _host.Context)).ImportImageTasks);

    /// <summary>Describes until <paramref name="until"/> holds, checking on the way that Progress never goes down.</summary>
    private async Task<ImportImageTask> WaitAsync(string id, Func<ImportImageTask, bool> until, Ec2TestHost? host = null, List<string>? stages = null)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        var last = 0;
        while (true)
        {
            var task = await DescribeAsync(id, host);
            if (task.Progress is { } text)
            {
                var progress = int.Parse(text, CultureInfo.InvariantCulture);
                Assert.True(progress >= last, $"Progress went from {last} to {progress}");
                last = progress;
            }

            if (stages is not null && task.StatusMessage is { } stage && (stages.Count == 0 || stages[^1] != stage))
            {
                stages.Add(stage);
            }

            if (until(task))
            {
                return task;
            }

            Assert.True(DateTime.UtcNow < deadline, $"Task {id} did not get there; last: {task.Status} / {task.StatusMessage} / {task.Progress}");
            await Task.Delay(10);
        }
    }

    private Task<ImportImageTask> WaitForEndAsync(string id, Ec2TestHost? host = null, List<string>? stages = null) =>
        WaitAsync(id, task => task.Status is "completed" or "deleted", host, stages);

    private async Task<Image> DescribeImageAsync(string imageId) =>
        Assert.Single((await _host.ImageService.DescribeAsync(new DescribeImagesRequest { ImageIds = [imageId] }, _host.Context)).Images);

    /// <summary>Waits until the snapshot store holds exactly <paramref name="expected"/> (queued releases are done in the background).</summary>
    private async Task AssertStoreHoldsAsync(IEnumerable<string> expected)
    {
        var want = expected.Order(StringComparer.Ordinal).ToList();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!_host.Snapshots.CommittedIds.Order(StringComparer.Ordinal).SequenceEqual(want) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.Equal(want, _host.Snapshots.CommittedIds.Order(StringComparer.Ordinal));
    }

    [SkippableFact]
    public async Task A_vmdk_becomes_an_available_ami_mapping_its_snapshot_on_sda1()
    {
        var vmdk = ImageTool.Convert(_images.BiosOnly, "vmdk", ".vmdk");
        Put("disks/disk1.vmdk", vmdk);
        _host.Importer.BeforeBlock = (_, token) => Task.Delay(5, token);
        var id = await ImportAsync(new ImportImageRequest { Description = "My server VM", LicenseType = "byol", DiskContainers = [Disk("vmdk", "disks/disk1.vmdk", "First disk")] });

        await _host.StartRunnerAsync();
        var stages = new List<string>();
        var task = await WaitForEndAsync(id, stages: stages);

        Assert.Equal("completed", task.Status);
        Assert.Null(task.StatusMessage);
        Assert.Null(task.Progress);
        Assert.Contains(ImportTaskMessages.ImageConverting, stages);
        Assert.Matches("^ami-[0-9a-f]{17}$", task.ImageId);
        Assert.Equal(("Linux", "x86_64", "legacy-bios", "BYOL", "RunInstances"), (task.Platform, task.Architecture, task.BootMode, task.LicenseType, task.UsageOperation));
        var detail = Assert.Single(task.SnapshotDetails);
        Assert.Equal(("completed", "/dev/sda1", "VMDK", "First disk"), (detail.Status, detail.DeviceName, detail.Format, detail.Description));
        Assert.Equal(new FileInfo(vmdk).Length, detail.DiskImageSize);
        Assert.Null(detail.Progress);
        Assert.Null(detail.StatusMessage);
        Assert.Matches("^snap-[0-9a-f]{17}$", detail.SnapshotId);

        var image = await DescribeImageAsync(task.ImageId!);
        Assert.Equal((id, "My server VM", "available"), (image.Name, image.Description, image.State));
        Assert.Null(image.Platform);
        Assert.Equal(("Linux/UNIX", "RunInstances", "legacy-bios", "x86_64"), (image.PlatformDetails, image.UsageOperation, image.BootMode, image.Architecture));
        Assert.True(image.EnaSupport);
        Assert.Equal("/dev/sda1", image.RootDeviceName);
        Assert.Empty(image.Tags);
        var mapping = Assert.Single(image.BlockDeviceMappings);
        Assert.Equal(("/dev/sda1", detail.SnapshotId, 1), (mapping.DeviceName, mapping.Ebs!.SnapshotId, mapping.Ebs.VolumeSize));
        Assert.False(mapping.Ebs.Encrypted);

        var snapshot = Assert.Single((await _host.SnapshotService.DescribeAsync(new DescribeSnapshotsRequest(), _host.Context)).Snapshots);
        Assert.Equal((detail.SnapshotId, $"Created by AWS-VMImport service for {id}", "vol-ffffffff", "completed"), (snapshot.SnapshotId, snapshot.Description, snapshot.VolumeId, snapshot.State));
        await using var stored = await _host.Snapshots.OpenAsync(detail.SnapshotId!);
        Assert.Equal(new FileInfo(_images.BiosOnly).Length, stored.Capacity);
        await AssertStoreHoldsAsync([detail.SnapshotId!]);
    }

    [SkippableFact]
    public async Task An_ova_of_two_disks_expands_into_two_rows_and_an_encrypted_ami_of_two_mappings()
    {
        PutTwoDiskOva();
        const string Key = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
        var id = await ImportAsync(new ImportImageRequest { Encrypted = true, KmsKeyId = Key, DiskContainers = [Disk("ova", "vms/two.ova", "My Server OVA")] });

        await _host.StartRunnerAsync();
        var task = await WaitForEndAsync(id);

        Assert.Equal("completed", task.Status);
        Assert.Equal([("/dev/sda1", "VMDK"), ("/dev/sdb", "VHDX")], task.SnapshotDetails.Select(d => (d.DeviceName, d.Format)));
        Assert.All(task.SnapshotDetails, d => Assert.Equal(("completed", "vms/two.ova"), (d.Status, d.UserBucket!.S3Key)));
        var image = await DescribeImageAsync(task.ImageId!);
        Assert.Equal(task.SnapshotDetails.Select(d => (d.DeviceName, d.SnapshotId)), image.BlockDeviceMappings.Select(m => (m.DeviceName, m.Ebs!.SnapshotId)));
        Assert.All(image.BlockDeviceMappings, m => Assert.Equal((true, Key), (m.Ebs!.Encrypted, m.Ebs.KmsKeyId)));
        var snapshots = (await _host.SnapshotService.DescribeAsync(new DescribeSnapshotsRequest(), _host.Context)).Snapshots;
        Assert.Equal(2, snapshots.Count);
        Assert.All(snapshots, s => Assert.Equal((true, Key), (s.Encrypted, s.KmsKeyId)));
    }

    [SkippableFact]
    public async Task An_included_license_for_linux_ends_the_task_before_converting_and_leaves_nothing()
    {
        Put("disks/disk1.vmdk", ImageTool.Convert(_images.BiosOnly, "vmdk", ".vmdk"));
        var id = await ImportAsync(new ImportImageRequest { LicenseType = "AWS", DiskContainers = [Disk("vmdk", "disks/disk1.vmdk")] });

        await _host.StartRunnerAsync();
        var task = await WaitForEndAsync(id);

        Assert.Equal("deleted", task.Status);
        Assert.StartsWith("ClientError: LicenseType AWS includes an AWS operating system license, which Linux does not support", task.StatusMessage, StringComparison.Ordinal);
        Assert.Null(task.ImageId);
        Assert.Null(task.Progress);
        var detail = Assert.Single(task.SnapshotDetails);
        Assert.Equal("deleted", detail.Status);
        Assert.Null(detail.SnapshotId);
        Assert.Empty((await _host.ImageService.DescribeAsync(new DescribeImagesRequest(), _host.Context)).Images ?? []);
        await AssertStoreHoldsAsync([]);
    }

    [SkippableFact]
    public async Task A_refused_guest_ends_the_task_with_its_verdicts_message()
    {
        Put("disks/noos.vmdk", ImageTool.Convert(_images.WithoutOsRelease, "vmdk", ".vmdk"));
        var id = await ImportAsync(new ImportImageRequest { DiskContainers = [Disk("vmdk", "disks/noos.vmdk")] });

        await _host.StartRunnerAsync();
        var task = await WaitForEndAsync(id);

        Assert.Equal("deleted", task.Status);
        Assert.StartsWith("ClientError: ", task.StatusMessage, StringComparison.Ordinal);
        await AssertStoreHoldsAsync([]);
    }

    [SkippableFact]
    public async Task Cancelling_while_converting_ends_deleted_and_releases_every_snapshot_of_the_run()
    {
        PutTwoDiskOva();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _host.Importer.BeforeBlock = (index, token) => index >= 2 ? gate.Task.WaitAsync(token) : Task.CompletedTask;
        var id = await ImportAsync(new ImportImageRequest { LicenseType = "BYOL", DiskContainers = [Disk("ova", "vms/two.ova")] });

        await _host.StartRunnerAsync();
        await WaitAsync(id, t => t.StatusMessage == ImportTaskMessages.ImageConverting && t.SnapshotDetails.Count == 2);
        var cancelled = await _host.CancelImportTask.CancelAsync(new CancelImportTaskRequest { ImportTaskId = id }, _host.Context);
        Assert.Equal(("active", "deleting"), (cancelled.PreviousState, cancelled.State));
        var task = await WaitForEndAsync(id);

        Assert.Equal(("deleted", ImportTaskMessages.Cancelled), (task.Status, task.StatusMessage));
        Assert.All(task.SnapshotDetails, d => Assert.Equal("deleted", d.Status));
        Assert.Empty((await _host.SnapshotService.DescribeAsync(new DescribeSnapshotsRequest(), _host.Context)).Snapshots);
        await AssertStoreHoldsAsync([]);
    }

    [SkippableFact]
    public async Task A_task_handed_back_at_shutdown_starts_over_from_its_request_and_completes_on_the_next_server()
    {
        PutTwoDiskOva();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _host.Importer.BeforeBlock = (index, token) => index >= 2 ? gate.Task.WaitAsync(token) : Task.CompletedTask;
        var id = await ImportAsync(new ImportImageRequest { DiskContainers = [Disk("ova", "vms/two.ova", "The VM")] });
        await _host.StartRunnerAsync();
        await WaitAsync(id, t => t.StatusMessage == ImportTaskMessages.ImageConverting && t.SnapshotDetails.Count == 2);
        var firstRunRows = (await _host.TaskDisks.GetAsync([id]))[id];

        await _host.StopRunnerAsync();

        var pending = await DescribeAsync(id);
        Assert.Equal(("active", "pending", "2"), (pending.Status, pending.StatusMessage, pending.Progress));
        var row = Assert.Single(pending.SnapshotDetails);
        Assert.Equal(("OVA", "The VM", "active", 0.0), (row.Format, row.Description, row.Status, row.DiskImageSize));
        Assert.Null(row.DeviceName);
        Assert.Null(row.SnapshotId);
        Assert.Null((await _host.TaskDisks.GetAsync([id]))[id][0].SnapshotId);

        await using var restarted = _host.Restart();
        await restarted.StartRunnerAsync();
        var task = await WaitForEndAsync(id, restarted);

        Assert.Equal("completed", task.Status);
        Assert.Equal(2, task.SnapshotDetails.Count);
        Assert.DoesNotContain(task.SnapshotDetails, d => firstRunRows.Any(r => r.SnapshotId == d.SnapshotId));
        await AssertStoreHoldsAsync(task.SnapshotDetails.Select(d => d.SnapshotId!));
    }

    [SkippableFact]
    public async Task A_task_left_by_a_crashed_server_is_reset_and_its_partial_snapshots_released()
    {
        Put("disks/disk1.vmdk", ImageTool.Convert(_images.BiosOnly, "vmdk", ".vmdk"));
        var id = await ImportAsync(new ImportImageRequest { DiskContainers = [Disk("vmdk", "disks/disk1.vmdk")] });
        const string Crashed = "crashed-server/1/x";
        const string Partial = "snap-0000000000000000a";
        Assert.Equal(id, (await _host.Tasks.TryClaimNextAsync([ImportTaskKind.ImportImage], Crashed, "snap-0000000000000000b", DateTimeOffset.UtcNow))!.Id);
        Assert.Null((await _host.Tasks.FindAsync(id))!.SnapshotId);
        Assert.True(await _host.TaskDisks.UpdateAsync(id, Crashed, 0, new Vmie.Ec2.Persistence.TaskDiskUpdate { SnapshotId = Partial, Status = "active", Progress = 40, DeviceName = "/dev/sda1" }));
        _host.Snapshots.AddEmpty(Partial, 1 << 20);

        await _host.StartRunnerAsync();
        var task = await WaitForEndAsync(id);

        Assert.Equal("completed", task.Status);
        var detail = Assert.Single(task.SnapshotDetails);
        Assert.NotEqual(Partial, detail.SnapshotId);
        Assert.Contains(Partial, _host.Snapshots.DeleteCalls);
        await AssertStoreHoldsAsync([detail.SnapshotId!]);
        Assert.Equal(2, (await _host.Tasks.FindAsync(id))!.Attempts);
    }

    [SkippableFact]
    public async Task A_disk_taken_from_a_snapshot_becomes_a_new_snapshot_of_the_ami_and_the_source_stays()
    {
        Put("disks/disk1.vmdk", ImageTool.Convert(_images.BiosOnly, "vmdk", ".vmdk"));
        await _host.StartRunnerAsync();
        var snapshotTask = await _host.ImportAsync(new ImportSnapshotRequest
        {
            DiskContainer = new SnapshotDiskContainer { Format = "VMDK", UserBucket = new UserBucket { S3Bucket = Ec2TestHost.Bucket, S3Key = "disks/disk1.vmdk" } },
        });
        var source = (await _host.WaitForEndAsync(snapshotTask, TimeSpan.FromSeconds(60))).SnapshotTaskDetail!.SnapshotId!;

        var id = await ImportAsync(new ImportImageRequest { DiskContainers = [new ImageDiskContainer { SnapshotId = source }] });
        var task = await WaitForEndAsync(id);

        Assert.Equal("completed", task.Status);
        var detail = Assert.Single(task.SnapshotDetails);
        Assert.Null(detail.Format);
        Assert.NotEqual(source, detail.SnapshotId);
        var image = await DescribeImageAsync(task.ImageId!);
        Assert.Equal(detail.SnapshotId, Assert.Single(image.BlockDeviceMappings).Ebs!.SnapshotId);
        await AssertStoreHoldsAsync([source, detail.SnapshotId!]);
        Assert.Equal(2, (await _host.SnapshotService.DescribeAsync(new DescribeSnapshotsRequest(), _host.Context)).Snapshots.Count);
    }
}

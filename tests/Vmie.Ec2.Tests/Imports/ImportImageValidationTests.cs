using Vmie.Ec2.Contracts.Common;
using Vmie.Ec2.Contracts.ImportImages;
using Vmie.Ec2.Errors;
using Vmie.Ec2.Imports;
using Vmie.Ec2.Tests.TestDoubles;

namespace Vmie.Ec2.Tests.Imports;

/// <summary>ImportImage's immediate answer, and every fault found from the request alone, with EC2's codes.</summary>
public sealed class ImportImageValidationTests : IAsyncLifetime
{
    private Ec2TestHost _host = null!;

    public Task InitializeAsync()
    {
        _host = Ec2TestHost.Create(options => options.MaxActiveImportTasksPerRegion = 3);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task<Ec2Exception> RejectAsync(ImportImageRequest request, string code, int httpStatus = 400)
    {
        var error = await Assert.ThrowsAsync<Ec2Exception>(() => _host.ImportImage.ImportAsync(request, _host.Context));
        Assert.Equal(code, error.Code);
        Assert.Equal(httpStatus, error.HttpStatus);
        Assert.Empty((await _host.ImportImage.DescribeAsync(new DescribeImportImageTasksRequest(), _host.Context)).ImportImageTasks);
        return error;
    }

    [Fact]
    public async Task An_ova_import_answers_with_a_pending_task_echoing_the_request()
    {
        var request = ImportImageRequests.Ova();
        request.LicenseType = "byol";
        request.Platform = "linux";
        request.Architecture = "X86_64";
        request.BootMode = "UEFI";
        request.Hypervisor = "Xen";
        request.Encrypted = true;
        request.KmsKeyId = "0ea3fef3-80a7-4778-9d8c-1c0c6EXAMPLE";
        request.LicenseSpecifications = [new ImportImageLicenseConfigurationRequest { LicenseConfigurationArn = LicenseArn }];
        request.TagSpecifications = [new TagSpecification { ResourceType = "import-image-task", Tags = [new Tag { Key = "team", Value = "blue" }] }];

        var result = await _host.ImportImage.ImportAsync(request, _host.Context);

        Assert.Matches("^import-ami-[0-9a-f]{17}$", result.ImportTaskId);
        Assert.Equal("active", result.Status);
        Assert.Equal("pending", result.StatusMessage);
        Assert.Equal("2", result.Progress);
        Assert.Null(result.ImageId);
        Assert.Equal("My server VM", result.Description);
        Assert.Equal("BYOL", result.LicenseType);
        Assert.Equal("Linux", result.Platform);
        Assert.Equal("x86_64", result.Architecture);
        Assert.Equal("xen", result.Hypervisor);
        Assert.True(result.Encrypted);
        Assert.Equal("0ea3fef3-80a7-4778-9d8c-1c0c6EXAMPLE", result.KmsKeyId);
        Assert.Equal(LicenseArn, Assert.Single(result.LicenseSpecifications).LicenseConfigurationArn);
        var tag = Assert.Single(result.Tags);
        Assert.Equal(("team", "blue"), (tag.Key, tag.Value));
        var disk = Assert.Single(result.SnapshotDetails);
        Assert.Equal("OVA", disk.Format);
        Assert.Equal(0.0, disk.DiskImageSize);
        Assert.Equal("My Server OVA", disk.Description);
        Assert.Equal(Ec2TestHost.Bucket, disk.UserBucket!.S3Bucket);
        Assert.Equal("vms/my-server-vm.ova", disk.UserBucket.S3Key);
        Assert.Null(disk.Url);
        Assert.Null(disk.SnapshotId);
        Assert.Equal("active", disk.Status);

        var stored = ImportImageParameters.FromJson((await _host.Tasks.FindAsync(result.ImportTaskId!))!.RequestJson);
        Assert.Equal("vmimport", stored.RoleName);
        Assert.Equal("uefi", stored.BootMode);
        var described = Assert.Single((await _host.ImportImage.DescribeAsync(new DescribeImportImageTasksRequest { ImportTaskIds = [result.ImportTaskId!] }, _host.Context)).ImportImageTasks);
        Assert.Equal("uefi", described.BootMode);
        Assert.Contains(_host.Log.Entries, e => e.Message.Contains(result.ImportTaskId!, StringComparison.Ordinal) && e.Message.Contains("not encrypted at rest", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Two_vmdks_keep_their_order_and_a_usage_operation_is_echoed()
    {
        var request = ImportImageRequests.TwoVmdks();
        request.UsageOperation = "RunInstances:0006";

        var result = await _host.ImportImage.ImportAsync(request, _host.Context);

        Assert.Equal(["First disk", "Second disk"], result.SnapshotDetails.Select(d => d.Description));
        Assert.All(result.SnapshotDetails, d => Assert.Equal("VMDK", d.Format));
        Assert.Equal("RunInstances:0006", result.UsageOperation);
        Assert.Null(result.LicenseType);
        var rows = (await _host.TaskDisks.GetAsync([result.ImportTaskId!]))[result.ImportTaskId!];
        Assert.Equal([0, 1], rows.Select(r => r.Position));
        Assert.Equal("disks/my-server-vm-disk2.vmdk", rows[1].SourceKey);
    }

    [Fact]
    public async Task Urls_are_resolved_and_echoed_without_their_query_string()
    {
        var request = new ImportImageRequest
        {
            DiskContainers =
            [
                new ImageDiskContainer { Format = "ova", Url = "S3://import-bucket/vms/sql_std_image.ova" },
            ],
        };
        var s3 = await _host.ImportImage.ImportAsync(request, _host.Context);
        Assert.Equal("S3://import-bucket/vms/sql_std_image.ova", Assert.Single(s3.SnapshotDetails).Url);
        Assert.Null(s3.SnapshotDetails[0].UserBucket);

        var presigned = new ImportImageRequest
        {
            DiskContainers = [new ImageDiskContainer { Format = "Raw", Url = $"https://{TestImportSourceResolver.Host}/import-bucket/disk%201.raw?X-Amz-Signature=secret" }],
        };
        var https = await _host.ImportImage.ImportAsync(presigned, _host.Context);
        var detail = Assert.Single(https.SnapshotDetails);
        Assert.Equal($"https://{TestImportSourceResolver.Host}/import-bucket/disk%201.raw", detail.Url);
        Assert.Equal("RAW", detail.Format);
        var row = Assert.Single((await _host.TaskDisks.GetAsync([https.ImportTaskId!]))[https.ImportTaskId!]);
        Assert.Equal(("import-bucket", "disk 1.raw"), (row.SourceBucket, row.SourceKey));
        Assert.DoesNotContain("secret", (await _host.Tasks.FindAsync(https.ImportTaskId!))!.RequestJson, StringComparison.Ordinal);
    }

    private const string LicenseArn = "arn:aws:license-manager:us-east-1:111122223333:license-configuration:lic-0123456789abcdef0123456789abcdef";

    public static TheoryData<string> RefusedRequests => new(Faults.Keys);

    private static readonly Dictionary<string, (Action<ImportImageRequest> Change, string Code)> Faults = new()
    {
        ["no disk containers"] = (r => r.DiskContainers = [], "MissingParameter"),
        ["null disk containers"] = (r => r.DiskContainers = null, "MissingParameter"),
        ["22 disk containers"] = (r => r.DiskContainers = Enumerable.Range(0, 22).Select(i => ImportImageRequests.Disk("vmdk", $"d{i}.vmdk")).ToList(), "InvalidParameterValue"),
        ["no format"] = (r => r.DiskContainers![0].Format = null, "MissingParameter"),
        ["unknown format"] = (r => r.DiskContainers![0].Format = "qcow2", "InvalidParameterValue"),
        ["OVA beside another disk"] = (r => r.DiskContainers!.Add(ImportImageRequests.Disk("vmdk", "b.vmdk")), "InvalidParameterValue"),
        ["Url and UserBucket"] = (r => r.DiskContainers![0].Url = "s3://import-bucket/x.ova", "InvalidParameterCombination"),
        ["neither Url nor UserBucket"] = (r => r.DiskContainers![0].UserBucket = null, "MissingParameter"),
        ["bucket without key"] = (r => r.DiskContainers![0].UserBucket!.S3Key = null, "MissingParameter"),
        ["s3 URL without key"] = (r => r.DiskContainers = [new ImageDiskContainer { Format = "ova", Url = "s3://import-bucket" }], "InvalidParameterValue"),
        ["ftp URL"] = (r => r.DiskContainers = [new ImageDiskContainer { Format = "ova", Url = "ftp://host/x.ova" }], "InvalidParameterValue"),
        ["URL of another server"] = (r => r.DiskContainers = [new ImageDiskContainer { Format = "ova", Url = "https://example.com/b/x.ova" }], "InvalidParameter"),
        ["missing bucket"] = (r => r.DiskContainers![0].UserBucket!.S3Bucket = "no-such-bucket", "InvalidParameter"),
        ["snapshot with a format"] = (r => r.DiskContainers = [new ImageDiskContainer { Format = "raw", SnapshotId = "snap-0123456789abcdef0" }], "InvalidParameterCombination"),
        ["malformed snapshot"] = (r => r.DiskContainers = [new ImageDiskContainer { SnapshotId = "snap-xyz" }], "InvalidSnapshotID.Malformed"),
        ["unknown snapshot"] = (r => r.DiskContainers = [new ImageDiskContainer { SnapshotId = "snap-0123456789abcdef0" }], "InvalidSnapshot.NotFound"),
        ["bad device name"] = (r => r.DiskContainers![0].DeviceName = "sda", "InvalidParameterValue"),
        ["arm64"] = (r => r.Architecture = "arm64", "InvalidParameterValue"),
        ["unknown architecture"] = (r => r.Architecture = "sparc", "InvalidParameterValue"),
        ["unknown platform"] = (r => r.Platform = "macOS", "InvalidParameterValue"),
        ["unknown hypervisor"] = (r => r.Hypervisor = "vmware", "InvalidParameterValue"),
        ["unknown boot mode"] = (r => r.BootMode = "bios", "InvalidParameterValue"),
        ["unknown license type"] = (r => r.LicenseType = "Auto", "InvalidParameterValue"),
        ["unknown usage operation"] = (r => r.UsageOperation = "RunInstances:9999", "InvalidParameterValue"),
        ["usage operation in the wrong case"] = (r => r.UsageOperation = "runinstances:0002", "InvalidParameterValue"),
        ["license type and usage operation"] = (r => (r.LicenseType, r.UsageOperation) = ("AWS", "RunInstances:0002"), "InvalidParameterCombination"),
        ["KMS key without Encrypted"] = (r => r.KmsKeyId = "alias/aws/ebs", "InvalidParameterCombination"),
        ["bad role name"] = (r => r.RoleName = "no spaces allowed", "InvalidParameterValue"),
        ["long client token"] = (r => r.ClientToken = new string('t', 65), "InvalidParameterValue"),
        ["long description"] = (r => r.Description = new string('d', 256), "InvalidParameterValue"),
        ["license spec without ARN"] = (r => r.LicenseSpecifications = [new ImportImageLicenseConfigurationRequest()], "MissingParameter"),
        ["malformed license ARN"] = (r => r.LicenseSpecifications = [new ImportImageLicenseConfigurationRequest { LicenseConfigurationArn = "lic-123" }], "InvalidParameterValue"),
        ["tags for snapshot tasks"] = (r => r.TagSpecifications = [new TagSpecification { ResourceType = "import-snapshot-task", Tags = [new Tag { Key = "k", Value = "v" }] }], "InvalidParameterValue"),
        ["reserved tag key"] = (r => r.TagSpecifications = [new TagSpecification { ResourceType = "import-image-task", Tags = [new Tag { Key = "aws:x", Value = "v" }] }], "InvalidParameterValue"),
    };

    [Theory]
    [MemberData(nameof(RefusedRequests))]
    public async Task A_fault_in_the_request_is_refused_at_once_and_creates_no_task(string fault)
    {
        var request = ImportImageRequests.Ova();
        var (change, code) = Faults[fault];
        change(request);

        await RejectAsync(request, code);
    }

    [Fact]
    public async Task Arm64_is_refused_with_the_documented_reason()
    {
        var request = ImportImageRequests.Ova();
        request.Architecture = "arm64";

        var error = await RejectAsync(request, "InvalidParameterValue");
        Assert.Contains("ARM64 VMs are not supported", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Twenty_one_disks_are_accepted()
    {
        var request = new ImportImageRequest { DiskContainers = Enumerable.Range(0, 21).Select(i => ImportImageRequests.Disk("raw", $"d{i}.raw")).ToList() };

        var result = await _host.ImportImage.ImportAsync(request, _host.Context);

        Assert.Equal(21, result.SnapshotDetails.Count);
    }

    [Fact]
    public async Task A_disk_from_the_callers_snapshot_is_accepted_and_the_snapshot_cannot_be_deleted_meanwhile()
    {
        var snapshot = await SnapshotRowFactory.InsertAsync(_host);
        var foreign = await SnapshotRowFactory.InsertAsync(_host, accountId: Ec2TestHost.OtherAccount);
        var uefi = new ImportImageRequest { BootMode = "uefi", DiskContainers = [new ImageDiskContainer { SnapshotId = snapshot.Id }] };

        var missingPlatform = await RejectAsync(uefi, "MissingParameter");
        Assert.Contains("Platform", missingPlatform.Message, StringComparison.Ordinal);
        await RejectAsync(new ImportImageRequest { DiskContainers = [new ImageDiskContainer { SnapshotId = foreign.Id }] }, "InvalidSnapshot.NotFound");

        uefi.Platform = "Windows";
        var result = await _host.ImportImage.ImportAsync(uefi, _host.Context);

        var row = Assert.Single((await _host.TaskDisks.GetAsync([result.ImportTaskId!]))[result.ImportTaskId!]);
        Assert.Equal(snapshot.Id, row.SourceSnapshotId);
        Assert.Null(row.Format);
        var inUse = await Assert.ThrowsAsync<Ec2Exception>(() => _host.SnapshotService.DeleteAsync(new() { SnapshotId = snapshot.Id }, _host.Context));
        Assert.Equal("InvalidSnapshot.InUse", inUse.Code);
    }

    [Fact]
    public async Task A_snapshot_disk_without_a_uefi_boot_mode_needs_no_platform()
    {
        var snapshot = await SnapshotRowFactory.InsertAsync(_host);

        var result = await _host.ImportImage.ImportAsync(new ImportImageRequest { BootMode = "legacy-bios", DiskContainers = [new ImageDiskContainer { SnapshotId = snapshot.Id }] }, _host.Context);

        Assert.Equal("active", result.Status);
    }

    [Fact]
    public async Task DryRun_checks_everything_then_answers_412_without_a_task()
    {
        var request = ImportImageRequests.Ova();
        request.DryRun = true;
        await RejectAsync(request, "DryRunOperation", 412);

        request.DiskContainers![0].UserBucket!.S3Bucket = "no-such-bucket";
        await RejectAsync(request, "InvalidParameter");
    }

    [Fact]
    public async Task Image_and_snapshot_tasks_count_together_towards_the_active_limit()
    {
        await _host.ImportAsync(Ec2TestHost.RawRequest());
        await _host.ImportImage.ImportAsync(ImportImageRequests.Ova(), _host.Context);
        await _host.ImportImage.ImportAsync(ImportImageRequests.TwoVmdks(), _host.Context);

        var image = await Assert.ThrowsAsync<Ec2Exception>(() => _host.ImportImage.ImportAsync(ImportImageRequests.Ova(), _host.Context));
        Assert.Equal("ResourceLimitExceeded", image.Code);
        var snapshot = await Assert.ThrowsAsync<Ec2Exception>(() => _host.ImportAsync(Ec2TestHost.RawRequest("other.raw")));
        Assert.Equal("ResourceLimitExceeded", snapshot.Code);

        // Another account has its own limit.
        _host.Objects.AddBucket("other-bucket", Ec2TestHost.OtherAccount, Ec2TestHost.Region);
        var other = ImportImageRequests.Ova();
        other.DiskContainers![0].UserBucket!.S3Bucket = "other-bucket";
        Assert.Equal("active", (await _host.ImportImage.ImportAsync(other, _host.OtherContext)).Status);
    }
}

using System.Text.Json;
using Amazon.EC2;
using Amazon.EC2.Model;
using Vmie.Cli.Tests.Infrastructure;

namespace Vmie.Cli.Tests.EndToEnd;

/// <summary>
/// The "import without modifications" path (spec §2.7) and the use of an imported snapshot (spec §2.6) against a
/// real `vmie serve`, with the AWS SDK for .NET and with Debian's AWS CLI: import a raw disk as a snapshot,
/// register an AMI from it, find it, see the snapshot protected while the AMI lives, deregister it, make a
/// volume from the snapshot, and delete everything.
/// </summary>
public sealed class ImagesAndVolumesTests
{
    private const long MiB = 1024 * 1024;

    [Fact]
    public async Task Sdk_registers_an_ami_from_an_imported_snapshot_and_makes_a_volume_of_it()
    {
        using var work = new TemporaryDirectory();
        await using var server = await VmieServerProcess.StartAsync(work.File("data"));
        using var ec2 = AwsClients.Ec2(server);
        var snapshotId = await ImportSnapshotAsync(server, ec2, work);

        var registered = await ec2.RegisterImageAsync(new RegisterImageRequest
        {
            Name = "debian-12 (raw)",
            Description = "registered from an imported snapshot",
            RootDeviceName = "/dev/sda1",
            Architecture = ArchitectureValues.X86_64,
            BootMode = BootModeValues.Uefi,
            EnaSupport = true,
            VirtualizationType = "hvm",
            BlockDeviceMappings = [new BlockDeviceMapping { DeviceName = "/dev/sda1", Ebs = new EbsBlockDevice { SnapshotId = snapshotId, VolumeType = VolumeType.Gp3 } }],
            TagSpecifications = [new TagSpecification { ResourceType = ResourceType.Image, Tags = [new Tag("team", "blue")] }],
        });
        var imageId = registered.ImageId;
        Assert.Matches("^ami-[0-9a-f]{17}$", imageId);

        var image = Assert.Single((await ec2.DescribeImagesAsync(new DescribeImagesRequest { ImageIds = [imageId] })).Images);
        Assert.Equal(("debian-12 (raw)", ImageState.Available, server.AccountId), (image.Name, image.State, image.OwnerId));
        Assert.Equal((ArchitectureValues.X86_64, BootModeValues.Uefi, true), (image.Architecture, image.BootMode, image.EnaSupport));
        Assert.Equal(("Linux/UNIX", "RunInstances"), (image.PlatformDetails, image.UsageOperation));
        Assert.Equal((DeviceType.Ebs, VirtualizationType.Hvm, HypervisorType.Xen, "/dev/sda1"), (image.RootDeviceType, image.VirtualizationType, image.Hypervisor, image.RootDeviceName));
        Assert.False(image.Public);
        var mapping = Assert.Single(image.BlockDeviceMappings);
        Assert.Equal((snapshotId, 1, VolumeType.Gp3, 3000, 125), (mapping.Ebs.SnapshotId, mapping.Ebs.VolumeSize, mapping.Ebs.VolumeType, mapping.Ebs.Iops, mapping.Ebs.Throughput));
        Assert.Contains(image.Tags, t => t.Key == "team" && t.Value == "blue");

        async Task<List<string>> FoundAsync(params Filter[] filters) =>
            ((await ec2.DescribeImagesAsync(new DescribeImagesRequest { Owners = ["self"], Filters = [.. filters] })).Images ?? []).Select(i => i.ImageId).ToList();

        Assert.Equal([imageId], await FoundAsync(new Filter("name", ["debian-*"])));
        Assert.Equal([imageId], await FoundAsync(new Filter("tag:team", ["blue"]), new Filter("state", ["available"])));
        Assert.Equal([imageId], await FoundAsync(new Filter("block-device-mapping.snapshot-id", [snapshotId])));
        Assert.Empty(await FoundAsync(new Filter("tag-key", ["nope"])));
        Assert.Empty((await ec2.DescribeImagesAsync(new DescribeImagesRequest { Owners = ["amazon"] })).Images ?? []);

        var duplicate = await Assert.ThrowsAsync<AmazonEC2Exception>(() => ec2.RegisterImageAsync(new RegisterImageRequest
        {
            Name = "debian-12 (raw)",
            RootDeviceName = "/dev/sda1",
            BlockDeviceMappings = [new BlockDeviceMapping { DeviceName = "/dev/sda1", Ebs = new EbsBlockDevice { SnapshotId = snapshotId } }],
        }));
        Assert.Equal("InvalidAMIName.Duplicate", duplicate.ErrorCode);

        var inUse = await Assert.ThrowsAsync<AmazonEC2Exception>(() => ec2.DeleteSnapshotAsync(new DeleteSnapshotRequest { SnapshotId = snapshotId }));
        Assert.Equal(("InvalidSnapshot.InUse", $"The snapshot {snapshotId} is currently in use by {imageId}."), (inUse.ErrorCode, inUse.Message));

        var volume = (await ec2.CreateVolumeAsync(new CreateVolumeRequest
        {
            AvailabilityZone = server.Region + "a",
            SnapshotId = snapshotId,
            TagSpecifications = [new TagSpecification { ResourceType = ResourceType.Volume, Tags = [new Tag("Name", "data")] }],
        })).Volume;
        Assert.Matches("^vol-[0-9a-f]{17}$", volume.VolumeId);
        Assert.Equal((VolumeState.Creating, snapshotId, 1, VolumeType.Gp3, 3000, 125), (volume.State, volume.SnapshotId, volume.Size, volume.VolumeType, volume.Iops, volume.Throughput));

        var described = Assert.Single((await ec2.DescribeVolumesAsync(new DescribeVolumesRequest { VolumeIds = [volume.VolumeId] })).Volumes);
        Assert.Equal((VolumeState.Available, server.Region + "a", false), (described.State, described.AvailabilityZone, described.Encrypted));
        Assert.Contains(described.Tags, t => t.Key == "Name" && t.Value == "data");
        var bySnapshot = await ec2.DescribeVolumesAsync(new DescribeVolumesRequest { Filters = [new Filter("snapshot-id", [snapshotId])] });
        Assert.Equal([volume.VolumeId], bySnapshot.Volumes.Select(v => v.VolumeId));

        var badZone = await Assert.ThrowsAsync<AmazonEC2Exception>(() => ec2.CreateVolumeAsync(new CreateVolumeRequest { AvailabilityZone = "eu-west-1a", Size = 1 }));
        Assert.Equal("InvalidParameterValue", badZone.ErrorCode);

        await ec2.DeregisterImageAsync(new DeregisterImageRequest { ImageId = imageId });
        var gone = await Assert.ThrowsAsync<AmazonEC2Exception>(() => ec2.DescribeImagesAsync(new DescribeImagesRequest { ImageIds = [imageId] }));
        Assert.Equal("InvalidAMIID.NotFound", gone.ErrorCode);
        var again = await Assert.ThrowsAsync<AmazonEC2Exception>(() => ec2.DeregisterImageAsync(new DeregisterImageRequest { ImageId = imageId }));
        Assert.Equal("InvalidAMIID.NotFound", again.ErrorCode);

        // The volume does not hold the snapshot: EC2 lets it go.
        await ec2.DeleteSnapshotAsync(new DeleteSnapshotRequest { SnapshotId = snapshotId });
        Assert.Equal(snapshotId, Assert.Single((await ec2.DescribeVolumesAsync(new DescribeVolumesRequest { VolumeIds = [volume.VolumeId] })).Volumes).SnapshotId);

        await ec2.DeleteVolumeAsync(new DeleteVolumeRequest { VolumeId = volume.VolumeId });
        var volumeGone = await Assert.ThrowsAsync<AmazonEC2Exception>(() => ec2.DescribeVolumesAsync(new DescribeVolumesRequest { VolumeIds = [volume.VolumeId] }));
        Assert.Equal("InvalidVolume.NotFound", volumeGone.ErrorCode);
        var volumeAgain = await Assert.ThrowsAsync<AmazonEC2Exception>(() => ec2.DeleteVolumeAsync(new DeleteVolumeRequest { VolumeId = volume.VolumeId }));
        Assert.Equal("InvalidVolume.NotFound", volumeAgain.ErrorCode);
    }

    [SkippableFact]
    public async Task Aws_cli_registers_an_ami_from_an_imported_snapshot_and_makes_a_volume_of_it()
    {
        const string aws = "/usr/bin/aws";
        RequiredTool.Require(aws, "awscli");
        using var work = new TemporaryDirectory();
        await using var server = await VmieServerProcess.StartAsync(work.File("data"));
        DiskImageFile.Write(work.File("disk.raw"), 16 * MiB, [(0, MiB), (15 * MiB, MiB)], seed: 21);

        async Task<ProcessResult> RunAsync(params string[] arguments) =>
            await ProcessRunner.RunAsync(aws, ["--endpoint-url", server.Endpoint.ToString(), "--output", "json", .. arguments], work.Path, new Dictionary<string, string>
            {
                ["AWS_ACCESS_KEY_ID"] = server.AccessKeyId,
                ["AWS_SECRET_ACCESS_KEY"] = server.SecretAccessKey,
                ["AWS_DEFAULT_REGION"] = server.Region,
                ["AWS_CONFIG_FILE"] = work.File("aws-config"),
                ["AWS_SHARED_CREDENTIALS_FILE"] = work.File("aws-credentials"),
                ["AWS_PAGER"] = "",
            });

        async Task<JsonElement> Aws(params string[] arguments)
        {
            var result = await RunAsync(arguments);
            Assert.True(result.ExitCode == 0, $"aws {string.Join(' ', arguments)}\n{result}");
            // s3 commands print text; ec2 commands print their answer as JSON (nothing for those without output).
            return arguments[0] == "s3" || string.IsNullOrWhiteSpace(result.StandardOutput) ? default : JsonDocument.Parse(result.StandardOutput).RootElement.Clone();
        }

        async Task AwsFails(string code, params string[] arguments)
        {
            var result = await RunAsync(arguments);
            Assert.True(result.ExitCode != 0, $"aws {string.Join(' ', arguments)} succeeded\n{result}");
            Assert.Contains($"({code})", result.StandardError, StringComparison.Ordinal);
        }

        await Aws("s3", "mb", "s3://import-bucket");
        await Aws("s3", "cp", "--no-progress", "disk.raw", "s3://import-bucket/disks/disk.raw");
        var taskId = (await Aws("ec2", "import-snapshot", "--description", "boot disk",
            "--disk-container", "Format=RAW,UserBucket={S3Bucket=import-bucket,S3Key=disks/disk.raw}")).GetProperty("ImportTaskId").GetString()!;
        string? snapshotId = null;
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (snapshotId is null)
        {
            Assert.True(DateTime.UtcNow < deadline, $"import task {taskId} did not complete");
            var detail = (await Aws("ec2", "describe-import-snapshot-tasks", "--import-task-ids", taskId)).GetProperty("ImportSnapshotTasks")[0].GetProperty("SnapshotTaskDetail");
            var status = detail.GetProperty("Status").GetString();
            Assert.True(status is "active" or "completed", detail.ToString());
            snapshotId = status == "completed" ? detail.GetProperty("SnapshotId").GetString() : null;
            await Task.Delay(200);
        }

        var imageId = (await Aws("ec2", "register-image", "--name", "cli-image", "--root-device-name", "/dev/sda1",
            "--block-device-mappings", $"DeviceName=/dev/sda1,Ebs={{SnapshotId={snapshotId},DeleteOnTermination=true}}",
            "--architecture", "x86_64", "--boot-mode", "legacy-bios", "--ena-support")).GetProperty("ImageId").GetString()!;
        await Aws("ec2", "wait", "image-available", "--image-ids", imageId);

        // Debian's CLI (2.9) predates register-image --tag-specifications.
        await Aws("ec2", "create-tags", "--resources", imageId, "--tags", "Key=stage,Value=test");

        var image = (await Aws("ec2", "describe-images", "--owners", "self", "--filters", "Name=name,Values=cli-*", "Name=tag:stage,Values=test")).GetProperty("Images");
        Assert.Equal(1, image.GetArrayLength());
        Assert.Equal(imageId, image[0].GetProperty("ImageId").GetString());
        Assert.Equal("available", image[0].GetProperty("State").GetString());
        Assert.Equal("legacy-bios", image[0].GetProperty("BootMode").GetString());
        Assert.Equal(snapshotId, image[0].GetProperty("BlockDeviceMappings")[0].GetProperty("Ebs").GetProperty("SnapshotId").GetString());
        Assert.Equal(0, (await Aws("ec2", "describe-images", "--executable-users", "all")).GetProperty("Images").GetArrayLength());
        await AwsFails("InvalidAMIID.Malformed", "ec2", "describe-images", "--image-ids", "ami-nope");

        await AwsFails("InvalidSnapshot.InUse", "ec2", "delete-snapshot", "--snapshot-id", snapshotId);

        var volume = await Aws("ec2", "create-volume", "--availability-zone", server.Region + "a", "--snapshot-id", snapshotId, "--volume-type", "gp2");
        var volumeId = volume.GetProperty("VolumeId").GetString()!;
        Assert.Equal(("creating", 1, "gp2", 100), (volume.GetProperty("State").GetString(), volume.GetProperty("Size").GetInt32(), volume.GetProperty("VolumeType").GetString(), volume.GetProperty("Iops").GetInt32()));
        await Aws("ec2", "wait", "volume-available", "--volume-ids", volumeId);
        var volumes = (await Aws("ec2", "describe-volumes", "--filters", $"Name=snapshot-id,Values={snapshotId}")).GetProperty("Volumes");
        Assert.Equal(volumeId, volumes[0].GetProperty("VolumeId").GetString());
        Assert.Equal(0, volumes[0].GetProperty("Attachments").GetArrayLength());
        await AwsFails("InvalidParameterValue", "ec2", "create-volume", "--availability-zone", server.Region, "--size", "1");

        await Aws("ec2", "deregister-image", "--image-id", imageId);
        await AwsFails("InvalidAMIID.NotFound", "ec2", "describe-images", "--image-ids", imageId);
        await Aws("ec2", "delete-snapshot", "--snapshot-id", snapshotId);
        await Aws("ec2", "delete-volume", "--volume-id", volumeId);
        await AwsFails("InvalidVolume.NotFound", "ec2", "delete-volume", "--volume-id", volumeId);
        Assert.Equal(0, (await Aws("ec2", "describe-volumes")).GetProperty("Volumes").GetArrayLength());
    }

    private static async Task<string> ImportSnapshotAsync(VmieServerProcess server, AmazonEC2Client ec2, TemporaryDirectory work)
    {
        DiskImageFile.Write(work.File("disk.raw"), 16 * MiB, [(0, MiB), (15 * MiB, MiB)], seed: 17);
        using var s3 = AwsClients.S3(server);
        await s3.PutBucketAsync(new Amazon.S3.Model.PutBucketRequest { BucketName = "import-bucket" });
        await s3.PutObjectAsync(new Amazon.S3.Model.PutObjectRequest { BucketName = "import-bucket", Key = "disk.raw", FilePath = work.File("disk.raw") });
        var started = await ec2.ImportSnapshotAsync(new ImportSnapshotRequest
        {
            DiskContainer = new SnapshotDiskContainer { Format = "RAW", UserBucket = new UserBucket { S3Bucket = "import-bucket", S3Key = "disk.raw" } },
        });
        var done = await SdkImportSnapshotTests.WaitForTaskAsync(ec2, started.ImportTaskId, "completed");
        return done.SnapshotTaskDetail.SnapshotId;
    }
}

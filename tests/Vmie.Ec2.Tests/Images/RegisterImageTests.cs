using Vmie.Ec2.Contracts.Common;
using Vmie.Ec2.Contracts.Images;
using Vmie.Ec2.Errors;
using Vmie.Ec2.Tests.TestDoubles;

namespace Vmie.Ec2.Tests.Images;

public sealed class RegisterImageTests : IAsyncLifetime
{
    private Ec2TestHost _host = null!;

    public Task InitializeAsync()
    {
        _host = Ec2TestHost.Create();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    internal static RegisterImageRequest Request(string name, params string[] snapshotIds) => new()
    {
        Name = name,
        RootDeviceName = "/dev/sda1",
        BlockDeviceMappings = snapshotIds.Select((id, i) => new BlockDeviceMapping
        {
            DeviceName = i == 0 ? "/dev/sda1" : "/dev/sd" + (char)('a' + i),
            Ebs = new EbsBlockDevice { SnapshotId = id },
        }).ToList(),
    };

    private async Task<Image> RegisterAndDescribeAsync(RegisterImageRequest request)
    {
        var id = (await _host.RegisterImageService.RegisterAsync(request, _host.Context)).ImageId!;
        return Assert.Single((await _host.ImageService.DescribeAsync(new DescribeImagesRequest { ImageIds = [id] }, _host.Context)).Images);
    }

    private async Task<Ec2Exception> RejectAsync(RegisterImageRequest request) =>
        await Assert.ThrowsAsync<Ec2Exception>(() => _host.RegisterImageService.RegisterAsync(request, _host.Context));

    [Fact]
    public async Task A_snapshot_registers_as_an_available_linux_ami_with_ec2_defaults()
    {
        var snapshot = await SnapshotRowFactory.InsertAsync(_host);
        var request = Request("my-server (v1.0) [x]/'@_", snapshot.Id);
        request.Description = "registered";
        request.TagSpecifications = [new TagSpecification { ResourceType = "image", Tags = [new Tag { Key = "team", Value = "blue" }] }];

        var image = await RegisterAndDescribeAsync(request);

        Assert.Matches("^ami-[0-9a-f]{17}$", image.ImageId);
        Assert.Equal(("available", "x86_64", "machine", "ebs", "hvm", "xen"), (image.State, image.Architecture, image.ImageType, image.RootDeviceType, image.VirtualizationType, image.Hypervisor));
        Assert.Null(image.Platform);
        Assert.Equal(("Linux/UNIX", "RunInstances"), (image.PlatformDetails, image.UsageOperation));
        Assert.Equal((Ec2TestHost.Account, $"{Ec2TestHost.Account}/my-server (v1.0) [x]/'@_"), (image.OwnerId, image.ImageLocation));
        Assert.Equal(("my-server (v1.0) [x]/'@_", "registered", "/dev/sda1"), (image.Name, image.Description, image.RootDeviceName));
        Assert.False(image.Public);
        Assert.False(image.EnaSupport);
        Assert.Null(image.BootMode);
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", image.CreationDate);
        var mapping = Assert.Single(image.BlockDeviceMappings);
        Assert.Equal("/dev/sda1", mapping.DeviceName);
        Assert.Equal((snapshot.Id, 8, "gp2", true, false), (mapping.Ebs!.SnapshotId, mapping.Ebs.VolumeSize, mapping.Ebs.VolumeType, mapping.Ebs.DeleteOnTermination, mapping.Ebs.Encrypted));
        Assert.Null(mapping.Ebs.Iops);
        Assert.Equal(("team", "blue"), (Assert.Single(image.Tags).Key, image.Tags[0].Value));
    }

    [Fact]
    public async Task Every_member_is_honoured()
    {
        var root = await SnapshotRowFactory.InsertAsync(_host, s => s with { Encrypted = true, KmsKeyId = "alias/mine" });
        var data = await SnapshotRowFactory.InsertAsync(_host);
        var request = Request("full", root.Id, data.Id);
        request.Architecture = "arm64";
        request.BootMode = "uefi";
        request.TpmSupport = "v2.0";
        request.ImdsSupport = "v2.0";
        request.EnaSupport = true;
        request.VirtualizationType = "hvm";
        request.BlockDeviceMappings![0].Ebs!.VolumeSize = 20;
        request.BlockDeviceMappings[0].Ebs!.VolumeType = "gp3";
        request.BlockDeviceMappings[1].Ebs!.DeleteOnTermination = false;
        request.BlockDeviceMappings[1].Ebs!.VolumeType = "io1";
        request.BlockDeviceMappings[1].Ebs!.Iops = 400;

        var image = await RegisterAndDescribeAsync(request);

        Assert.Equal(("arm64", "uefi", "v2.0", "v2.0", true), (image.Architecture, image.BootMode, image.TpmSupport, image.ImdsSupport, image.EnaSupport));
        Assert.Equal(["/dev/sda1", "/dev/sdb"], image.BlockDeviceMappings.Select(m => m.DeviceName));
        var first = image.BlockDeviceMappings[0].Ebs!;
        Assert.Equal((20, "gp3", 3000, 125, true, "alias/mine"), (first.VolumeSize, first.VolumeType, first.Iops, first.Throughput, first.Encrypted, first.KmsKeyId));
        var second = image.BlockDeviceMappings[1].Ebs!;
        Assert.Equal((false, "io1", 400), (second.DeleteOnTermination, second.VolumeType, second.Iops));
    }

    [Theory]
    [InlineData("ab")]
    [InlineData("has*star")]
    [InlineData("tab\there")]
    public async Task Names_outside_ec2s_rules_are_malformed(string name)
    {
        var snapshot = await SnapshotRowFactory.InsertAsync(_host);
        Assert.Equal("InvalidAMIName.Malformed", (await RejectAsync(Request(name, snapshot.Id))).Code);
        Assert.Equal("InvalidAMIName.Malformed", (await RejectAsync(Request(new string('a', 129), snapshot.Id))).Code);
    }

    [Fact]
    public async Task A_name_is_unique_per_account_and_region()
    {
        var snapshot = await SnapshotRowFactory.InsertAsync(_host);
        var first = (await _host.RegisterImageService.RegisterAsync(Request("taken", snapshot.Id), _host.Context)).ImageId;

        var duplicate = await RejectAsync(Request("taken", snapshot.Id));

        Assert.Equal(("InvalidAMIName.Duplicate", $"AMI name taken is already in use by AMI {first}"), (duplicate.Code, duplicate.Message));
        var other = await SnapshotRowFactory.InsertAsync(_host, accountId: Ec2TestHost.OtherAccount);
        Assert.NotNull((await _host.RegisterImageService.RegisterAsync(Request("taken", other.Id), _host.OtherContext)).ImageId);
    }

    [Fact]
    public async Task Snapshots_must_be_the_callers_and_exist()
    {
        var foreign = await SnapshotRowFactory.InsertAsync(_host, accountId: Ec2TestHost.OtherAccount);

        var notFound = await RejectAsync(Request("foreign", foreign.Id));
        Assert.Equal(("InvalidSnapshot.NotFound", $"The snapshot '{foreign.Id}' does not exist."), (notFound.Code, notFound.Message));
        Assert.Equal("InvalidSnapshot.NotFound", (await RejectAsync(Request("unknown", "snap-0123456789abcdef0"))).Code);
        Assert.Equal("InvalidSnapshotID.Malformed", (await RejectAsync(Request("bad", "snap-nope"))).Code);
    }

    [Fact]
    public async Task Block_device_mappings_are_checked()
    {
        var snapshot = await SnapshotRowFactory.InsertAsync(_host);

        var noRoot = Request("no-root", snapshot.Id);
        noRoot.RootDeviceName = "/dev/xvda";
        Assert.Equal("InvalidBlockDeviceMapping", (await RejectAsync(noRoot)).Code);

        var twice = Request("twice", snapshot.Id, snapshot.Id);
        twice.BlockDeviceMappings![1].DeviceName = "sda1";
        var duplicate = await RejectAsync(twice);
        Assert.Equal(("InvalidBlockDeviceMapping", "The device 'sda1' is used in more than one block-device mapping."), (duplicate.Code, duplicate.Message));

        var small = Request("small", snapshot.Id);
        small.BlockDeviceMappings![0].Ebs!.VolumeSize = 4;
        var tooSmall = await RejectAsync(small);
        Assert.Equal(("InvalidBlockDeviceMapping", $"Volume of size 4 is smaller than snapshot '{snapshot.Id}', expect size >= 8"), (tooSmall.Code, tooSmall.Message));

        var empty = Request("empty", snapshot.Id);
        empty.BlockDeviceMappings![0].Ebs = new EbsBlockDevice { VolumeSize = 8 };
        Assert.Equal("InvalidBlockDeviceMapping", (await RejectAsync(empty)).Code);

        var badDevice = Request("bad-device", snapshot.Id);
        badDevice.BlockDeviceMappings![0].DeviceName = "/dev/nvme0n1";
        badDevice.RootDeviceName = "/dev/nvme0n1";
        Assert.Equal("InvalidBlockDeviceMapping", (await RejectAsync(badDevice)).Code);

        var none = Request("none", snapshot.Id);
        none.BlockDeviceMappings = [];
        Assert.Equal("MissingParameter", (await RejectAsync(none)).Code);

        var noRootName = Request("no-root-name", snapshot.Id);
        noRootName.RootDeviceName = null;
        Assert.Equal("MissingParameter", (await RejectAsync(noRootName)).Code);

        var encrypted = Request("encrypted", snapshot.Id);
        encrypted.BlockDeviceMappings![0].Ebs!.Encrypted = true;
        Assert.Equal("InvalidParameterCombination", (await RejectAsync(encrypted)).Code);

        var gp2Iops = Request("gp2-iops", snapshot.Id);
        gp2Iops.BlockDeviceMappings![0].Ebs!.Iops = 3000;
        Assert.Equal("InvalidParameterCombination", (await RejectAsync(gp2Iops)).Code);

        Assert.Empty((await _host.ImageService.DescribeAsync(new DescribeImagesRequest(), _host.Context)).Images);
    }

    [Fact]
    public async Task Architecture_boot_mode_and_virtualization_follow_the_model()
    {
        var snapshot = await SnapshotRowFactory.InsertAsync(_host);

        foreach (var (architecture, expected) in new[] { ("i386", "i386"), ("X86_64", "x86_64"), ("arm64", "arm64") })
        {
            var request = Request("arch-" + architecture, snapshot.Id);
            request.Architecture = architecture;
            Assert.Equal(expected, (await RegisterAndDescribeAsync(request)).Architecture);
        }

        var mac = Request("mac", snapshot.Id);
        mac.Architecture = "x86_64_mac";
        Assert.Equal("InvalidParameterValue", (await RejectAsync(mac)).Code);

        var armBios = Request("arm-bios", snapshot.Id);
        (armBios.Architecture, armBios.BootMode) = ("arm64", "legacy-bios");
        Assert.Equal("InvalidParameterCombination", (await RejectAsync(armBios)).Code);

        var tpmBios = Request("tpm-bios", snapshot.Id);
        (tpmBios.BootMode, tpmBios.TpmSupport) = ("legacy-bios", "v2.0");
        Assert.Equal("InvalidParameterCombination", (await RejectAsync(tpmBios)).Code);

        var paravirtual = Request("paravirtual", snapshot.Id);
        paravirtual.VirtualizationType = "paravirtual";
        Assert.Equal("InvalidParameterValue", (await RejectAsync(paravirtual)).Code);

        var preferred = Request("preferred", snapshot.Id);
        preferred.BootMode = "uefi-preferred";
        Assert.Equal("uefi-preferred", (await RegisterAndDescribeAsync(preferred)).BootMode);
    }

    [Fact]
    public async Task Dry_run_and_foreign_tag_types_create_nothing()
    {
        var snapshot = await SnapshotRowFactory.InsertAsync(_host);
        var dryRun = Request("dry", snapshot.Id);
        dryRun.DryRun = true;
        var refused = await RejectAsync(dryRun);
        Assert.Equal(("DryRunOperation", 412), (refused.Code, refused.HttpStatus));

        var tagged = Request("tagged", snapshot.Id);
        tagged.TagSpecifications = [new TagSpecification { ResourceType = "snapshot", Tags = [new Tag { Key = "k", Value = "v" }] }];
        Assert.Equal("InvalidParameterValue", (await RejectAsync(tagged)).Code);

        Assert.Empty(await _host.ImageRows.ListAsync(Ec2TestHost.Account, Ec2TestHost.Region, 0, 10));
    }
}

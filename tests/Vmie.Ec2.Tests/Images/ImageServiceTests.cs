using Vmie.Ec2.Contracts.Common;
using Vmie.Ec2.Contracts.Images;
using Vmie.Ec2.Contracts.Snapshots;
using Vmie.Ec2.Contracts.Tags;
using Vmie.Ec2.Errors;
using Vmie.Ec2.Tests.TestDoubles;

namespace Vmie.Ec2.Tests.Images;

public sealed class ImageServiceTests : IAsyncLifetime
{
    private Ec2TestHost _host = null!;

    public Task InitializeAsync()
    {
        _host = Ec2TestHost.Create();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task<string> RegisterAsync(string name, params string[] snapshotIds) =>
        (await _host.RegisterImageService.RegisterAsync(RegisterImageTests.Request(name, snapshotIds), _host.Context)).ImageId!;

    private Task<DescribeImagesResult> DescribeAsync(DescribeImagesRequest request) => _host.ImageService.DescribeAsync(request, _host.Context);

    private async Task<IReadOnlyList<string?>> NamesAsync(DescribeImagesRequest request) => (await DescribeAsync(request)).Images.Select(i => i.Name).ToList();

    private static DescribeImagesRequest Filtered(string name, params string[] values) => new() { Filters = [new Filter { Name = name, Values = values.ToList() }] };

    private async Task<Ec2Exception> RejectAsync(DescribeImagesRequest request) => await Assert.ThrowsAsync<Ec2Exception>(() => DescribeAsync(request));

    [Fact]
    public async Task Image_ids_select_and_unknown_or_malformed_ones_are_errors()
    {
        var snapshot = await SnapshotRowFactory.InsertAsync(_host);
        var a = await RegisterAsync("ami-a", snapshot.Id);
        await RegisterAsync("ami-b", snapshot.Id);
        var foreignSnapshot = await SnapshotRowFactory.InsertAsync(_host, accountId: Ec2TestHost.OtherAccount);
        var foreign = (await _host.RegisterImageService.RegisterAsync(RegisterImageTests.Request("foreign", foreignSnapshot.Id), _host.OtherContext)).ImageId!;

        Assert.Equal(["ami-a"], await NamesAsync(new DescribeImagesRequest { ImageIds = [a] }));
        var unknown = await RejectAsync(new DescribeImagesRequest { ImageIds = [a, "ami-0123456789abcdef0"] });
        Assert.Equal(("InvalidAMIID.NotFound", "The image id '[ami-0123456789abcdef0]' does not exist"), (unknown.Code, unknown.Message));
        Assert.Equal("InvalidAMIID.NotFound", (await RejectAsync(new DescribeImagesRequest { ImageIds = [foreign] })).Code);
        Assert.Equal("InvalidAMIID.Malformed", (await RejectAsync(new DescribeImagesRequest { ImageIds = ["ami-XYZ"] })).Code);
        Assert.Equal("InvalidParameterCombination", (await RejectAsync(new DescribeImagesRequest { ImageIds = [a], MaxResults = 5 })).Code);
        Assert.Equal(["ami-a", "ami-b"], await NamesAsync(new DescribeImagesRequest()));
    }

    [Fact]
    public async Task Owners_and_executable_users_select_the_callers_images_or_nothing()
    {
        var snapshot = await SnapshotRowFactory.InsertAsync(_host);
        var id = await RegisterAsync("mine", snapshot.Id);

        Assert.Equal(["mine"], await NamesAsync(new DescribeImagesRequest { Owners = ["self"] }));
        Assert.Equal(["mine"], await NamesAsync(new DescribeImagesRequest { Owners = [Ec2TestHost.Account, "amazon"] }));
        Assert.Empty(await NamesAsync(new DescribeImagesRequest { Owners = ["amazon"] }));
        Assert.Empty(await NamesAsync(new DescribeImagesRequest { Owners = [Ec2TestHost.OtherAccount], ImageIds = [id] }));
        Assert.Equal(["mine"], await NamesAsync(new DescribeImagesRequest { ExecutableUsers = ["self"] }));
        Assert.Empty(await NamesAsync(new DescribeImagesRequest { ExecutableUsers = ["all"] }));
        Assert.Empty(await NamesAsync(new DescribeImagesRequest { ExecutableUsers = ["self"], Owners = ["amazon"] }));
        Assert.Equal("InvalidUserID.Malformed", (await RejectAsync(new DescribeImagesRequest { Owners = ["someone"] })).Code);
        Assert.Equal("InvalidUserID.Malformed", (await RejectAsync(new DescribeImagesRequest { ExecutableUsers = ["12"] })).Code);
    }

    [Fact]
    public async Task Filters_match_fields_mappings_and_tags()
    {
        var first = await SnapshotRowFactory.InsertAsync(_host);
        var second = await SnapshotRowFactory.InsertAsync(_host);
        var web = await RegisterAsync("web-server-1", first.Id);
        var db = await RegisterAsync("db-server", second.Id, first.Id);
        await _host.TagService.CreateAsync(new CreateTagsRequest { Resources = [web], Tags = [new Tag { Key = "role", Value = "web" }] }, _host.Context);
        await _host.TagService.CreateAsync(new CreateTagsRequest { Resources = [db], Tags = [new Tag { Key = "tier", Value = "data" }] }, _host.Context);

        Assert.Equal(["web-server-1"], await NamesAsync(Filtered("name", "web-*")));
        Assert.Equal(["web-server-1", "db-server"], await NamesAsync(Filtered("name", "*-server*")));
        Assert.Equal(["web-server-1", "db-server"], await NamesAsync(Filtered("state", "available")));
        Assert.Equal(["db-server"], await NamesAsync(Filtered("image-id", db)));
        Assert.Equal(["web-server-1"], await NamesAsync(Filtered("tag:role", "web")));
        Assert.Equal(["db-server"], await NamesAsync(Filtered("tag-key", "tier")));
        Assert.Equal(["db-server"], await NamesAsync(Filtered("tag-value", "dat?")));
        Assert.Equal(["db-server"], await NamesAsync(Filtered("block-device-mapping.snapshot-id", second.Id)));
        Assert.Equal(["web-server-1", "db-server"], await NamesAsync(Filtered("block-device-mapping.snapshot-id", first.Id)));
        Assert.Equal(["db-server"], await NamesAsync(Filtered("block-device-mapping.device-name", "/dev/sdb")));
        Assert.Equal(["web-server-1", "db-server"], await NamesAsync(Filtered("is-public", "false")));
        Assert.Empty(await NamesAsync(Filtered("is-public", "true")));
        Assert.Empty(await NamesAsync(Filtered("platform", "windows")));
        Assert.Equal(2, (await NamesAsync(Filtered("architecture", "x86_64"))).Count);
        Assert.Equal(2, (await NamesAsync(Filtered("root-device-type", "ebs"))).Count);
        Assert.Equal(2, (await NamesAsync(Filtered("owner-id", Ec2TestHost.Account))).Count);
        Assert.Equal(2, (await NamesAsync(Filtered("image-type", "machine"))).Count);
        Assert.Empty(await NamesAsync(Filtered("description", "*")));
        Assert.Equal("InvalidParameterValue", (await RejectAsync(Filtered("no-such-filter", "x"))).Code);
    }

    [Fact]
    public async Task Max_results_pages_through_the_images()
    {
        var snapshot = await SnapshotRowFactory.InsertAsync(_host);
        for (var i = 0; i < 7; i++)
        {
            await RegisterAsync($"image-{i}", snapshot.Id);
        }

        var page = await DescribeAsync(new DescribeImagesRequest { MaxResults = 5 });
        Assert.Equal(5, page.Images.Count);
        var rest = await DescribeAsync(new DescribeImagesRequest { MaxResults = 5, NextToken = page.NextToken });
        Assert.Equal(["image-5", "image-6"], rest.Images.Select(i => i.Name));
        Assert.Null(rest.NextToken);
        Assert.Equal("InvalidParameterValue", (await RejectAsync(new DescribeImagesRequest { MaxResults = 4 })).Code);
        Assert.Equal("InvalidNextToken", (await RejectAsync(new DescribeImagesRequest { NextToken = "bad" })).Code);
    }

    [Fact]
    public async Task A_snapshot_an_ami_maps_cannot_be_deleted_until_the_ami_is_deregistered()
    {
        var snapshot = await SnapshotRowFactory.InsertAsync(_host);
        var image = await RegisterAsync("holder", snapshot.Id);
        await _host.TagService.CreateAsync(new CreateTagsRequest { Resources = [image], Tags = [new Tag { Key = "k", Value = "v" }] }, _host.Context);

        var inUse = await Assert.ThrowsAsync<Ec2Exception>(() => _host.SnapshotService.DeleteAsync(new DeleteSnapshotRequest { SnapshotId = snapshot.Id }, _host.Context));
        Assert.Equal(("InvalidSnapshot.InUse", $"The snapshot {snapshot.Id} is currently in use by {image}."), (inUse.Code, inUse.Message));

        var dryRun = await Assert.ThrowsAsync<Ec2Exception>(() => _host.ImageService.DeregisterAsync(new DeregisterImageRequest { ImageId = image, DryRun = true }, _host.Context));
        Assert.Equal("DryRunOperation", dryRun.Code);
        var result = await _host.ImageService.DeregisterAsync(new DeregisterImageRequest { ImageId = image }, _host.Context);
        Assert.True(result.Return);
        Assert.Null(result.DeleteSnapshotResults);

        Assert.Equal("InvalidAMIID.NotFound", (await RejectAsync(new DescribeImagesRequest { ImageIds = [image] })).Code);
        var again = await Assert.ThrowsAsync<Ec2Exception>(() => _host.ImageService.DeregisterAsync(new DeregisterImageRequest { ImageId = image }, _host.Context));
        Assert.Equal("InvalidAMIID.NotFound", again.Code);
        Assert.Empty((await _host.TagService.DescribeAsync(new DescribeTagsRequest(), _host.Context)).Tags);
        Assert.Single((await _host.SnapshotService.DescribeAsync(new DescribeSnapshotsRequest { SnapshotIds = [snapshot.Id] }, _host.Context)).Snapshots);

        await _host.SnapshotService.DeleteAsync(new DeleteSnapshotRequest { SnapshotId = snapshot.Id }, _host.Context);
        Assert.Empty((await _host.SnapshotService.DescribeAsync(new DescribeSnapshotsRequest(), _host.Context)).Snapshots);
    }

    [Fact]
    public async Task Deregister_can_delete_the_snapshots_no_other_ami_uses()
    {
        var own = await SnapshotRowFactory.InsertAsync(_host);
        var shared = await SnapshotRowFactory.InsertAsync(_host);
        var image = await RegisterAsync("goes", own.Id, shared.Id);
        await RegisterAsync("stays", shared.Id);

        var result = await _host.ImageService.DeregisterAsync(new DeregisterImageRequest { ImageId = image, DeleteAssociatedSnapshots = true }, _host.Context);

        Assert.Equal([(own.Id, "success"), (shared.Id, "client-error")], result.DeleteSnapshotResults!.Select(r => (r.SnapshotId, r.ReturnCode)));
        Assert.Equal([shared.Id], (await _host.SnapshotService.DescribeAsync(new DescribeSnapshotsRequest(), _host.Context)).Snapshots.Select(s => s.SnapshotId));
    }

    [Fact]
    public async Task Deregister_checks_the_image_id()
    {
        Assert.Equal("MissingParameter", (await Assert.ThrowsAsync<Ec2Exception>(() => _host.ImageService.DeregisterAsync(new DeregisterImageRequest(), _host.Context))).Code);
        Assert.Equal("InvalidAMIID.Malformed", (await Assert.ThrowsAsync<Ec2Exception>(() => _host.ImageService.DeregisterAsync(new DeregisterImageRequest { ImageId = "snap-0123456789abcdef0" }, _host.Context))).Code);
        var snapshot = await SnapshotRowFactory.InsertAsync(_host, accountId: Ec2TestHost.OtherAccount);
        var foreign = (await _host.RegisterImageService.RegisterAsync(RegisterImageTests.Request("foreign", snapshot.Id), _host.OtherContext)).ImageId;
        Assert.Equal("InvalidAMIID.NotFound", (await Assert.ThrowsAsync<Ec2Exception>(() => _host.ImageService.DeregisterAsync(new DeregisterImageRequest { ImageId = foreign }, _host.Context))).Code);
    }

    [Fact]
    public async Task Tags_apply_to_images_and_volumes()
    {
        var snapshot = await SnapshotRowFactory.InsertAsync(_host);
        var image = await RegisterAsync("tagged", snapshot.Id);
        var volume = (await _host.VolumeService.CreateAsync(new Contracts.Volumes.CreateVolumeRequest { AvailabilityZone = "us-east-1a", Size = 1 }, _host.Context)).VolumeId!;

        await _host.TagService.CreateAsync(new CreateTagsRequest { Resources = [image, volume], Tags = [new Tag { Key = "Name", Value = "x" }] }, _host.Context);

        var tags = (await _host.TagService.DescribeAsync(new DescribeTagsRequest(), _host.Context)).Tags;
        Assert.Equal(
            new[] { (image, "image"), (volume, "volume") }.OrderBy(t => t.Item1, StringComparer.Ordinal),
            tags.Select(t => (t.ResourceId!, t.ResourceType!)));
        var missing = await Assert.ThrowsAsync<Ec2Exception>(() => _host.TagService.CreateAsync(
            new CreateTagsRequest { Resources = ["ami-0123456789abcdef0"], Tags = [new Tag { Key = "Name", Value = "x" }] }, _host.Context));
        Assert.Equal("InvalidAMIID.NotFound", missing.Code);
        var missingVolume = await Assert.ThrowsAsync<Ec2Exception>(() => _host.TagService.CreateAsync(
            new CreateTagsRequest { Resources = ["vol-0123456789abcdef0"], Tags = [new Tag { Key = "Name", Value = "x" }] }, _host.Context));
        Assert.Equal("InvalidVolume.NotFound", missingVolume.Code);
    }
}

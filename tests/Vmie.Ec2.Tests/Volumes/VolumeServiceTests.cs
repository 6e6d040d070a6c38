using Vmie.Ec2.Contracts.Common;
using Vmie.Ec2.Contracts.Snapshots;
using Vmie.Ec2.Contracts.Volumes;
using Vmie.Ec2.Errors;
using Vmie.Ec2.Tests.TestDoubles;

namespace Vmie.Ec2.Tests.Volumes;

public sealed class VolumeServiceTests : IAsyncLifetime
{
    private Ec2TestHost _host = null!;

    public Task InitializeAsync()
    {
        _host = Ec2TestHost.Create();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private Task<Volume> CreateAsync(CreateVolumeRequest request) => _host.VolumeService.CreateAsync(request, _host.Context);

    private async Task<Ec2Exception> RejectAsync(CreateVolumeRequest request) => await Assert.ThrowsAsync<Ec2Exception>(() => CreateAsync(request));

    private async Task<Volume> DescribeOneAsync(string id) =>
        Assert.Single((await _host.VolumeService.DescribeAsync(new DescribeVolumesRequest { VolumeIds = [id] }, _host.Context)).Volumes);

    [Fact]
    public async Task A_volume_from_a_snapshot_takes_its_size_and_encryption_and_gp3_defaults()
    {
        var snapshot = await SnapshotRowFactory.InsertAsync(_host, s => s with { VolumeSize = 41, Encrypted = true, KmsKeyId = "alias/k" });

        var created = await CreateAsync(new CreateVolumeRequest
        {
            AvailabilityZone = "us-east-1a",
            SnapshotId = snapshot.Id,
            TagSpecifications = [new TagSpecification { ResourceType = "volume", Tags = [new Tag { Key = "Name", Value = "data" }] }],
        });

        Assert.Matches("^vol-[0-9a-f]{17}$", created.VolumeId);
        Assert.Equal(("creating", "us-east-1a", snapshot.Id, 41), (created.State, created.AvailabilityZone, created.SnapshotId, created.Size));
        Assert.Equal(("gp3", 3000, 125), (created.VolumeType, created.Iops, created.Throughput));
        Assert.Equal((true, "alias/k", false, false), (created.Encrypted, created.KmsKeyId, created.MultiAttachEnabled, created.FastRestored));
        Assert.Empty(created.Attachments);
        Assert.Equal("data", Assert.Single(created.Tags).Value);

        var described = await DescribeOneAsync(created.VolumeId!);
        Assert.Equal(("available", 41, "gp3"), (described.State, described.Size, described.VolumeType));
        Assert.Equal(created.CreateTime, described.CreateTime);
        Assert.Equal("data", Assert.Single(described.Tags).Value);
    }

    [Fact]
    public async Task Size_and_type_follow_ebs_rules()
    {
        var snapshot = await SnapshotRowFactory.InsertAsync(_host);

        var gp2 = await CreateAsync(new CreateVolumeRequest { AvailabilityZone = "us-east-1f", Size = 100, VolumeType = "gp2" });
        Assert.Equal(("gp2", 300, (int?)null, ""), (gp2.VolumeType, gp2.Iops, gp2.Throughput, gp2.SnapshotId));
        Assert.Equal(100, (await CreateAsync(new CreateVolumeRequest { AvailabilityZone = "us-east-1b", Size = 10, VolumeType = "gp2" })).Iops);
        var io2 = await CreateAsync(new CreateVolumeRequest { AvailabilityZone = "us-east-1c", Size = 10, VolumeType = "io2", Iops = 5000, MultiAttachEnabled = true });
        Assert.Equal((5000, true), (io2.Iops, io2.MultiAttachEnabled));
        Assert.Null((await CreateAsync(new CreateVolumeRequest { AvailabilityZone = "us-east-1c", Size = 500, VolumeType = "st1" })).Iops);

        var smaller = await RejectAsync(new CreateVolumeRequest { AvailabilityZone = "us-east-1a", SnapshotId = snapshot.Id, Size = 4 });
        Assert.Equal(("InvalidParameterValue", $"Volume of size 4GiB is smaller than snapshot '{snapshot.Id}', expect size >= 8GiB."), (smaller.Code, smaller.Message));
        Assert.Equal(16, (await CreateAsync(new CreateVolumeRequest { AvailabilityZone = "us-east-1a", SnapshotId = snapshot.Id, Size = 16 })).Size);
        Assert.Equal("MissingParameter", (await RejectAsync(new CreateVolumeRequest { AvailabilityZone = "us-east-1a" })).Code);
        Assert.Equal("MissingParameter", (await RejectAsync(new CreateVolumeRequest { AvailabilityZone = "us-east-1a", Size = 10, VolumeType = "io1" })).Code);
        Assert.Equal("InvalidParameterCombination", (await RejectAsync(new CreateVolumeRequest { AvailabilityZone = "us-east-1a", Size = 10, VolumeType = "gp2", Iops = 3000 })).Code);
        Assert.Equal("InvalidParameterCombination", (await RejectAsync(new CreateVolumeRequest { AvailabilityZone = "us-east-1a", Size = 10, MultiAttachEnabled = true })).Code);
        Assert.Equal("InvalidParameterValue", (await RejectAsync(new CreateVolumeRequest { AvailabilityZone = "us-east-1a", Size = 100, VolumeType = "st1" })).Code);
        Assert.Equal("InvalidParameterValue", (await RejectAsync(new CreateVolumeRequest { AvailabilityZone = "us-east-1a", Size = 16385 })).Code);
    }

    [Theory]
    [InlineData(null, "MissingParameter")]
    [InlineData("us-east-1", "InvalidParameterValue")]
    [InlineData("us-east-1g", "InvalidParameterValue")]
    [InlineData("eu-west-1a", "InvalidParameterValue")]
    public async Task The_zone_must_be_one_of_the_callers_region(string? zone, string code)
    {
        var error = await RejectAsync(new CreateVolumeRequest { AvailabilityZone = zone, Size = 1 });
        Assert.Equal(code, error.Code);
        if (zone is not null)
        {
            Assert.Equal($"Invalid availability zone: [{zone}]", error.Message);
        }
    }

    [Fact]
    public async Task The_snapshot_must_be_the_callers()
    {
        var foreign = await SnapshotRowFactory.InsertAsync(_host, accountId: Ec2TestHost.OtherAccount);
        Assert.Equal("InvalidSnapshot.NotFound", (await RejectAsync(new CreateVolumeRequest { AvailabilityZone = "us-east-1a", SnapshotId = foreign.Id })).Code);
        Assert.Equal("InvalidSnapshotID.Malformed", (await RejectAsync(new CreateVolumeRequest { AvailabilityZone = "us-east-1a", SnapshotId = "snap-1" })).Code);
        Assert.Equal("InvalidParameterDependency", (await RejectAsync(new CreateVolumeRequest { AvailabilityZone = "us-east-1a", Size = 1, KmsKeyId = "alias/k" })).Code);
    }

    [Fact]
    public async Task A_client_token_makes_one_volume_and_refuses_other_parameters()
    {
        var snapshot = await SnapshotRowFactory.InsertAsync(_host);
        var request = new CreateVolumeRequest { AvailabilityZone = "us-east-1a", SnapshotId = snapshot.Id, ClientToken = "once" };

        var first = await CreateAsync(request);
        await _host.SnapshotService.DeleteAsync(new DeleteSnapshotRequest { SnapshotId = snapshot.Id }, _host.Context);
        var retry = await CreateAsync(request);

        Assert.Equal(first.VolumeId, retry.VolumeId);
        Assert.Single((await _host.VolumeService.DescribeAsync(new DescribeVolumesRequest(), _host.Context)).Volumes);
        var mismatch = await RejectAsync(new CreateVolumeRequest { AvailabilityZone = "us-east-1b", SnapshotId = snapshot.Id, ClientToken = "once" });
        Assert.Equal("IdempotentParameterMismatch", mismatch.Code);
    }

    [Fact]
    public async Task Deleting_the_source_snapshot_leaves_its_volumes()
    {
        var snapshot = await SnapshotRowFactory.InsertAsync(_host);
        var volume = await CreateAsync(new CreateVolumeRequest { AvailabilityZone = "us-east-1a", SnapshotId = snapshot.Id });

        await _host.SnapshotService.DeleteAsync(new DeleteSnapshotRequest { SnapshotId = snapshot.Id }, _host.Context);

        Assert.Equal(snapshot.Id, (await DescribeOneAsync(volume.VolumeId!)).SnapshotId);
    }

    [Fact]
    public async Task Describe_filters_pages_and_reports_unknown_ids()
    {
        var snapshot = await SnapshotRowFactory.InsertAsync(_host);
        var fromSnapshot = await CreateAsync(new CreateVolumeRequest { AvailabilityZone = "us-east-1a", SnapshotId = snapshot.Id });
        var empty = await CreateAsync(new CreateVolumeRequest
        {
            AvailabilityZone = "us-east-1b",
            Size = 20,
            VolumeType = "gp2",
            TagSpecifications = [new TagSpecification { ResourceType = "volume", Tags = [new Tag { Key = "role", Value = "scratch" }] }],
        });
        for (var i = 0; i < 4; i++)
        {
            await CreateAsync(new CreateVolumeRequest { AvailabilityZone = "us-east-1c", Size = 1 });
        }

        async Task<IReadOnlyList<string?>> IdsAsync(string name, params string[] values) =>
            (await _host.VolumeService.DescribeAsync(new DescribeVolumesRequest { Filters = [new Filter { Name = name, Values = values.ToList() }] }, _host.Context))
                .Volumes.Select(v => v.VolumeId).ToList();

        Assert.Equal([fromSnapshot.VolumeId], await IdsAsync("snapshot-id", snapshot.Id));
        Assert.Equal([empty.VolumeId], await IdsAsync("availability-zone", "us-east-1b"));
        Assert.Equal([empty.VolumeId], await IdsAsync("tag:role", "scratch"));
        Assert.Equal([empty.VolumeId], await IdsAsync("tag-key", "role"));
        Assert.Equal([empty.VolumeId], await IdsAsync("size", "20"));
        Assert.Equal([empty.VolumeId], await IdsAsync("volume-type", "gp2"));
        Assert.Equal([fromSnapshot.VolumeId], await IdsAsync("volume-id", fromSnapshot.VolumeId!));
        Assert.Equal(6, (await IdsAsync("status", "available")).Count);
        Assert.Empty(await IdsAsync("status", "creating"));

        var page = await _host.VolumeService.DescribeAsync(new DescribeVolumesRequest { MaxResults = 5 }, _host.Context);
        Assert.Equal(5, page.Volumes.Count);
        var rest = await _host.VolumeService.DescribeAsync(new DescribeVolumesRequest { MaxResults = 5, NextToken = page.NextToken }, _host.Context);
        Assert.Single(rest.Volumes);
        Assert.Null(rest.NextToken);
        Assert.Equal(6, (await _host.VolumeService.DescribeAsync(new DescribeVolumesRequest { MaxResults = 1000 }, _host.Context)).Volumes.Count);
        Assert.Equal("InvalidParameterValue", (await Assert.ThrowsAsync<Ec2Exception>(() => _host.VolumeService.DescribeAsync(new DescribeVolumesRequest { MaxResults = 4 }, _host.Context))).Code);

        var unknown = await Assert.ThrowsAsync<Ec2Exception>(() => _host.VolumeService.DescribeAsync(new DescribeVolumesRequest { VolumeIds = ["vol-0123456789abcdef0"] }, _host.Context));
        Assert.Equal(("InvalidVolume.NotFound", "The volume 'vol-0123456789abcdef0' does not exist."), (unknown.Code, unknown.Message));
        var malformed = await Assert.ThrowsAsync<Ec2Exception>(() => _host.VolumeService.DescribeAsync(new DescribeVolumesRequest { VolumeIds = ["vol-x"] }, _host.Context));
        Assert.Equal("InvalidVolumeID.Malformed", malformed.Code);
    }

    [Fact]
    public async Task Delete_removes_the_volume_and_its_tags()
    {
        var volume = await CreateAsync(new CreateVolumeRequest
        {
            AvailabilityZone = "us-east-1a",
            Size = 1,
            TagSpecifications = [new TagSpecification { ResourceType = "volume", Tags = [new Tag { Key = "k", Value = "v" }] }],
        });

        var dryRun = await Assert.ThrowsAsync<Ec2Exception>(() => _host.VolumeService.DeleteAsync(new DeleteVolumeRequest { VolumeId = volume.VolumeId, DryRun = true }, _host.Context));
        Assert.Equal("DryRunOperation", dryRun.Code);
        await _host.VolumeService.DeleteAsync(new DeleteVolumeRequest { VolumeId = volume.VolumeId }, _host.Context);

        Assert.Empty((await _host.VolumeService.DescribeAsync(new DescribeVolumesRequest(), _host.Context)).Volumes);
        Assert.Empty((await _host.TagService.DescribeAsync(new Contracts.Tags.DescribeTagsRequest(), _host.Context)).Tags);
        var again = await Assert.ThrowsAsync<Ec2Exception>(() => _host.VolumeService.DeleteAsync(new DeleteVolumeRequest { VolumeId = volume.VolumeId }, _host.Context));
        Assert.Equal("InvalidVolume.NotFound", again.Code);
        var foreign = await _host.VolumeService.CreateAsync(new CreateVolumeRequest { AvailabilityZone = "us-east-1a", Size = 1 }, _host.OtherContext);
        Assert.Equal("InvalidVolume.NotFound", (await Assert.ThrowsAsync<Ec2Exception>(() => _host.VolumeService.DeleteAsync(new DeleteVolumeRequest { VolumeId = foreign.VolumeId }, _host.Context))).Code);
    }
}

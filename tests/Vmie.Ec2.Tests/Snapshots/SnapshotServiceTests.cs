using Vmie.Ec2.Contracts.Common;
using Vmie.Ec2.Contracts.Snapshots;
using Vmie.Ec2.Contracts.Tags;
using Vmie.Ec2.Errors;
using Vmie.Ec2.Persistence;
using Vmie.Ec2.Resources;
using Vmie.Ec2.Tasks;
using Vmie.Ec2.Tests.TestDoubles;

namespace Vmie.Ec2.Tests.Snapshots;

public sealed class SnapshotServiceTests : IAsyncLifetime
{
    private Ec2TestHost _host = null!;

    public Task InitializeAsync()
    {
        _host = Ec2TestHost.Create();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private Task<DescribeSnapshotsResult> DescribeAsync(DescribeSnapshotsRequest request) => _host.SnapshotService.DescribeAsync(request, _host.Context);

    private async Task<Ec2Exception> RejectAsync(DescribeSnapshotsRequest request) => await Assert.ThrowsAsync<Ec2Exception>(() => DescribeAsync(request));

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition did not come true in time");
            await Task.Delay(20);
        }
    }

    private static DescribeSnapshotsRequest Filtered(string name, params string[] values) => new() { Filters = [new Filter { Name = name, Values = values.ToList() }] };

    [Fact]
    public async Task Snapshots_are_described_with_every_field_and_only_to_their_owner()
    {
        var row = await SnapshotRowFactory.InsertAsync(_host, s => s with { Encrypted = true, KmsKeyId = "alias/k" });
        await SnapshotRowFactory.InsertAsync(_host, accountId: Ec2TestHost.OtherAccount);
        await SnapshotRowFactory.InsertAsync(_host, region: "eu-west-1");
        await _host.TagService.CreateAsync(new CreateTagsRequest { Resources = [row.Id], Tags = [new Tag { Key = "Name", Value = "root" }] }, _host.Context);

        var snapshot = Assert.Single((await DescribeAsync(new DescribeSnapshotsRequest())).Snapshots);

        Assert.Equal(row.Id, snapshot.SnapshotId);
        Assert.Equal("vol-ffffffff", snapshot.VolumeId);
        Assert.Equal("completed", snapshot.State);
        Assert.Equal("100%", snapshot.Progress);
        Assert.Equal(Ec2TestHost.Account, snapshot.OwnerId);
        Assert.Equal(8, snapshot.VolumeSize);
        Assert.True(snapshot.Encrypted);
        Assert.Equal("alias/k", snapshot.KmsKeyId);
        Assert.Equal("standard", snapshot.StorageTier);
        Assert.Equal(new DateTime(2025, 7, 15, 10, 30, 0, DateTimeKind.Utc), snapshot.StartTime);
        Assert.Equal(DateTimeKind.Utc, snapshot.StartTime!.Value.Kind);
        Assert.Equal("root", Assert.Single(snapshot.Tags).Value);
    }

    [Fact]
    public async Task Snapshot_ids_select_and_unknown_or_malformed_ones_are_errors()
    {
        var a = await SnapshotRowFactory.InsertAsync(_host);
        await SnapshotRowFactory.InsertAsync(_host);
        var foreign = await SnapshotRowFactory.InsertAsync(_host, accountId: Ec2TestHost.OtherAccount);

        Assert.Equal(a.Id, Assert.Single((await DescribeAsync(new DescribeSnapshotsRequest { SnapshotIds = [a.Id] })).Snapshots).SnapshotId);

        var unknown = await RejectAsync(new DescribeSnapshotsRequest { SnapshotIds = [a.Id, "snap-0123456789abcdef0"] });
        Assert.Equal(("InvalidSnapshot.NotFound", "The snapshot 'snap-0123456789abcdef0' does not exist."), (unknown.Code, unknown.Message));
        Assert.Equal("InvalidSnapshot.NotFound", (await RejectAsync(new DescribeSnapshotsRequest { SnapshotIds = [foreign.Id] })).Code);
        Assert.Equal("InvalidSnapshotID.Malformed", (await RejectAsync(new DescribeSnapshotsRequest { SnapshotIds = ["snap-XYZ"] })).Code);
        Assert.Equal("InvalidSnapshotID.Malformed", (await RejectAsync(new DescribeSnapshotsRequest { SnapshotIds = ["vol-0123456789abcdef0"] })).Code);
    }

    [Fact]
    public async Task MaxResults_cannot_be_combined_with_snapshot_ids_and_must_be_in_range()
    {
        var a = await SnapshotRowFactory.InsertAsync(_host);
        Assert.Equal("InvalidParameterCombination", (await RejectAsync(new DescribeSnapshotsRequest { SnapshotIds = [a.Id], MaxResults = 5 })).Code);
        Assert.Equal("InvalidParameterValue", (await RejectAsync(new DescribeSnapshotsRequest { MaxResults = 4 })).Code);
        Assert.Equal("InvalidParameterValue", (await RejectAsync(new DescribeSnapshotsRequest { MaxResults = 1001 })).Code);
    }

    [Fact]
    public async Task Pages_cover_every_snapshot_once()
    {
        var ids = new List<string>();
        for (var i = 0; i < 12; i++)
        {
            ids.Add((await SnapshotRowFactory.InsertAsync(_host)).Id);
        }

        var seen = new List<string>();
        var sizes = new List<int>();
        string? token = null;
        do
        {
            var page = await DescribeAsync(new DescribeSnapshotsRequest { MaxResults = 5, NextToken = token });
            sizes.Add(page.Snapshots.Count);
            seen.AddRange(page.Snapshots.Select(s => s.SnapshotId!));
            token = page.NextToken;
        }
        while (token is not null);

        Assert.Equal([5, 5, 2], sizes);
        Assert.Equal(ids, seen);
        Assert.Equal("InvalidNextToken", (await RejectAsync(new DescribeSnapshotsRequest { NextToken = "Zm9v" })).Code);
    }

    [Fact]
    public async Task Filters_select_on_the_documented_fields()
    {
        var small = await SnapshotRowFactory.InsertAsync(_host, s => s with { VolumeSize = 2, Description = "web server root", Encrypted = true });
        var big = await SnapshotRowFactory.InsertAsync(_host, s => s with { VolumeSize = 100, Description = "database", StartTime = new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.Zero) });
        await _host.TagService.CreateAsync(new CreateTagsRequest { Resources = [big.Id], Tags = [new Tag { Key = "team", Value = "data" }] }, _host.Context);

        async Task<IEnumerable<string?>> IdsAsync(DescribeSnapshotsRequest request) => (await DescribeAsync(request)).Snapshots.Select(s => s.SnapshotId);

        Assert.Equal([small.Id], await IdsAsync(Filtered("volume-size", "2")));
        Assert.Equal([small.Id], await IdsAsync(Filtered("description", "web*")));
        Assert.Equal([small.Id], await IdsAsync(Filtered("encrypted", "true")));
        Assert.Equal([big.Id], await IdsAsync(Filtered("encrypted", "false")));
        Assert.Equal([big.Id], await IdsAsync(Filtered("tag:team", "data")));
        Assert.Equal([big.Id], await IdsAsync(Filtered("tag-key", "team")));
        Assert.Empty(await IdsAsync(Filtered("tag:team", "web")));
        Assert.Equal([big.Id], await IdsAsync(Filtered("start-time", "2024-01-02T*")));
        Assert.Equal([small.Id], await IdsAsync(Filtered("snapshot-id", small.Id)));
        Assert.Equal(2, (await IdsAsync(Filtered("status", "completed"))).Count());
        Assert.Equal(2, (await IdsAsync(Filtered("owner-id", Ec2TestHost.Account))).Count());
        Assert.Equal(2, (await IdsAsync(Filtered("volume-id", "vol-ffffffff"))).Count());
        Assert.Equal(2, (await IdsAsync(Filtered("progress", "100%"))).Count());
        Assert.Empty(await IdsAsync(Filtered("owner-alias", "amazon")));
        Assert.Equal(2, (await IdsAsync(Filtered("storage-tier", "standard"))).Count());
        Assert.Equal([big.Id], await IdsAsync(new DescribeSnapshotsRequest
        {
            Filters = [new Filter { Name = "status", Values = ["completed"] }, new Filter { Name = "volume-size", Values = ["100", "200"] }],
        }));
        Assert.Equal("InvalidParameterValue", (await RejectAsync(Filtered("size", "2"))).Code);
    }

    [Fact]
    public async Task Owner_ids_self_and_the_account_see_own_snapshots_others_see_none()
    {
        await SnapshotRowFactory.InsertAsync(_host);

        Assert.Single((await DescribeAsync(new DescribeSnapshotsRequest { OwnerIds = ["self"] })).Snapshots);
        Assert.Single((await DescribeAsync(new DescribeSnapshotsRequest { OwnerIds = [Ec2TestHost.Account] })).Snapshots);
        Assert.Single((await DescribeAsync(new DescribeSnapshotsRequest { RestorableByUserIds = ["all"] })).Snapshots);
        Assert.Empty((await DescribeAsync(new DescribeSnapshotsRequest { OwnerIds = ["amazon"] })).Snapshots);
        Assert.Empty((await DescribeAsync(new DescribeSnapshotsRequest { OwnerIds = [Ec2TestHost.OtherAccount] })).Snapshots);
        Assert.Equal("InvalidUserID.Malformed", (await RejectAsync(new DescribeSnapshotsRequest { OwnerIds = ["nobody"] })).Code);
    }

    [Fact]
    public async Task Deleting_a_snapshot_removes_it_and_its_tags_and_queues_its_contents_without_waiting_for_them()
    {
        var row = await SnapshotRowFactory.InsertAsync(_host);
        await _host.TagService.CreateAsync(new CreateTagsRequest { Resources = [row.Id], Tags = [new Tag { Key = "k", Value = "v" }] }, _host.Context);

        await _host.SnapshotService.DeleteAsync(new DeleteSnapshotRequest { SnapshotId = row.Id }, _host.Context);

        Assert.Empty((await DescribeAsync(new DescribeSnapshotsRequest())).Snapshots);
        Assert.Empty((await _host.TagService.DescribeAsync(new DescribeTagsRequest(), _host.Context)).Tags);
        Assert.Empty(_host.Snapshots.DeleteCalls);
        Assert.Contains(row.Id, _host.Snapshots.CommittedIds);
        Assert.Equal([row.Id], await _host.SnapshotRows.PendingReleasesAsync(10));

        var again = await Assert.ThrowsAsync<Ec2Exception>(() => _host.SnapshotService.DeleteAsync(new DeleteSnapshotRequest { SnapshotId = row.Id }, _host.Context));
        Assert.Equal("InvalidSnapshot.NotFound", again.Code);
    }

    [Fact]
    public async Task The_runner_releases_a_deleted_snapshots_contents_at_once_not_at_its_next_maintenance_pass()
    {
        await using var host = Ec2TestHost.Create(options => options.MaintenanceInterval = TimeSpan.FromMinutes(10));
        await host.StartRunnerAsync();
        var row = await SnapshotRowFactory.InsertAsync(host);
        await Task.Delay(300); // the runner's start-up pass is over

        await host.SnapshotService.DeleteAsync(new DeleteSnapshotRequest { SnapshotId = row.Id }, host.Context);

        var deadline = DateTime.UtcNow.AddSeconds(2);
        while ((await host.SnapshotRows.PendingReleasesAsync(10)).Count > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.Empty(await host.SnapshotRows.PendingReleasesAsync(10));
        Assert.Equal([row.Id], host.Snapshots.DeleteCalls);
        Assert.DoesNotContain(row.Id, host.Snapshots.CommittedIds);
    }

    [Fact]
    public async Task Delete_refuses_bad_unknown_foreign_and_in_use_snapshots()
    {
        async Task<Ec2Exception> DeleteAsync(string? id, Vmie.Ec2.Requests.Ec2RequestContext? context = null) =>
            await Assert.ThrowsAsync<Ec2Exception>(() => _host.SnapshotService.DeleteAsync(new DeleteSnapshotRequest { SnapshotId = id }, context ?? _host.Context));

        Assert.Equal("MissingParameter", (await DeleteAsync(null)).Code);
        Assert.Equal("InvalidSnapshotID.Malformed", (await DeleteAsync("snap-1")).Code);
        Assert.Equal("InvalidSnapshot.NotFound", (await DeleteAsync("snap-0123456789abcdef0")).Code);
        var row = await SnapshotRowFactory.InsertAsync(_host);
        Assert.Equal("InvalidSnapshot.NotFound", (await DeleteAsync(row.Id, _host.OtherContext)).Code);

        var user = new ImportTaskRecord
        {
            Id = ResourceKind.ExportImageTask.NewId(),
            Kind = "export-image",
            AccountId = Ec2TestHost.Account,
            Region = Ec2TestHost.Region,
            Status = ImportTaskStatus.Active,
            RequestJson = "{}",
            SourceSnapshotId = row.Id,
            CreatedAt = DateTimeOffset.UtcNow,
            UpdatedAt = DateTimeOffset.UtcNow,
        };
        await _host.Tasks.InsertAsync(user, [], "export-image-task", ["export-image"], 10);
        var inUse = await DeleteAsync(row.Id);
        Assert.Equal("InvalidSnapshot.InUse", inUse.Code);
        Assert.Contains(user.Id, inUse.Message, StringComparison.Ordinal);
        Assert.Single((await DescribeAsync(new DescribeSnapshotsRequest())).Snapshots);
    }

    [Fact]
    public async Task Contents_the_store_fails_to_release_stay_queued_until_a_later_pass_succeeds()
    {
        var row = await SnapshotRowFactory.InsertAsync(_host);
        _host.Snapshots.DeleteFailure = new IOException("disk unavailable");
        await _host.StartRunnerAsync();

        await _host.SnapshotService.DeleteAsync(new DeleteSnapshotRequest { SnapshotId = row.Id }, _host.Context);

        Assert.Empty((await DescribeAsync(new DescribeSnapshotsRequest())).Snapshots);
        await WaitUntilAsync(() => Task.FromResult(_host.Snapshots.DeleteCalls.Contains(row.Id)));
        Assert.Equal([row.Id], await _host.SnapshotRows.PendingReleasesAsync(10));

        _host.Snapshots.DeleteFailure = null;
        await WaitUntilAsync(async () => (await _host.SnapshotRows.PendingReleasesAsync(10)).Count == 0);
        Assert.DoesNotContain(row.Id, _host.Snapshots.CommittedIds);
    }

    [Fact]
    public async Task DryRun_checks_the_snapshot_then_answers_DryRunOperation()
    {
        var row = await SnapshotRowFactory.InsertAsync(_host);
        var dry = await Assert.ThrowsAsync<Ec2Exception>(() => _host.SnapshotService.DeleteAsync(new DeleteSnapshotRequest { SnapshotId = row.Id, DryRun = true }, _host.Context));
        Assert.Equal("DryRunOperation", dry.Code);
        Assert.Single((await DescribeAsync(new DescribeSnapshotsRequest())).Snapshots);
        Assert.Equal("DryRunOperation", (await RejectAsync(new DescribeSnapshotsRequest { DryRun = true })).Code);
    }
}

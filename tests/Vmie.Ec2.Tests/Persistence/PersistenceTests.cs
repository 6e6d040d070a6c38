using Vmie.Ec2.Contracts.Common;
using Vmie.Ec2.Contracts.ImportSnapshots;
using Vmie.Ec2.Contracts.Snapshots;
using Vmie.Ec2.Contracts.Tags;
using Vmie.Ec2.Persistence;
using Vmie.Ec2.Tests.TestDoubles;

namespace Vmie.Ec2.Tests.Persistence;

public sealed class PersistenceTests
{
    [Fact]
    public async Task Tasks_snapshots_and_tags_survive_a_restart()
    {
        await using var host = Ec2TestHost.Create();
        host.Objects.Put(Ec2TestHost.Bucket, "disk.raw", ObjectContent.Pattern(1 << 20));
        var request = Ec2TestHost.RawRequest(description: "kept");
        request.ClientToken = "survives";
        request.TagSpecifications = [new TagSpecification { ResourceType = "import-snapshot-task", Tags = [new Tag { Key = "Name", Value = "t" }] }];
        var completed = await host.ImportAsync(request);
        await host.StartRunnerAsync();
        var snapshotId = (await host.WaitForEndAsync(completed)).SnapshotTaskDetail!.SnapshotId!;
        await host.TagService.CreateAsync(new CreateTagsRequest { Resources = [snapshotId], Tags = [new Tag { Key = "Name", Value = "s" }] }, host.Context);
        await host.StopRunnerAsync();
        var pending = await host.ImportAsync(Ec2TestHost.RawRequest("later.raw"));

        await using var restarted = host.Restart();

        Assert.Equal(Ec2Schema.Migrations[^1].Version, restarted.Database.SchemaVersion(Ec2Schema.Component));
        var tasks = (await restarted.ImportSnapshot.DescribeAsync(new DescribeImportSnapshotTasksRequest(), restarted.Context)).ImportSnapshotTasks;
        Assert.Equal([completed, pending], tasks.Select(t => t.ImportTaskId));
        Assert.Equal(("completed", snapshotId), (tasks[0].SnapshotTaskDetail!.Status, tasks[0].SnapshotTaskDetail!.SnapshotId));
        Assert.Equal("kept", tasks[0].Description);
        Assert.Equal("t", Assert.Single(tasks[0].Tags).Value);
        Assert.Equal(("active", "pending"), (tasks[1].SnapshotTaskDetail!.Status, tasks[1].SnapshotTaskDetail!.StatusMessage));
        var snapshot = Assert.Single((await restarted.SnapshotService.DescribeAsync(new DescribeSnapshotsRequest(), restarted.Context)).Snapshots);
        Assert.Equal("s", Assert.Single(snapshot.Tags).Value);

        var retried = await restarted.ImportSnapshot.ImportAsync(request, restarted.Context);
        Assert.Equal(completed, retried.ImportTaskId);
    }
}

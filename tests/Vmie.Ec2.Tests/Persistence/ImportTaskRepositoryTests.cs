using Vmie.Ec2.Resources;
using Vmie.Ec2.Tasks;
using Vmie.Ec2.Tests.TestDoubles;

namespace Vmie.Ec2.Tests.Persistence;

/// <summary>The worker-side writes that end a run: the run's snapshot is never forgotten.</summary>
public sealed class ImportTaskRepositoryTests : IAsyncLifetime
{
    private const string Worker = "worker-1";

    private Ec2TestHost _host = null!;

    public Task InitializeAsync()
    {
        _host = Ec2TestHost.Create();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task<(string TaskId, string SnapshotId)> ClaimAsync()
    {
        var taskId = await _host.ImportAsync(Ec2TestHost.RawRequest());
        var claimed = await _host.Tasks.TryClaimNextAsync([ImportTaskKind.ImportSnapshot], Worker, ResourceKind.Snapshot.NewId(), DateTimeOffset.UtcNow);
        Assert.Equal(taskId, claimed!.Id);
        return (taskId, claimed.SnapshotId!);
    }

    [Fact]
    public async Task Ending_a_held_task_deleted_queues_its_runs_snapshot_for_release()
    {
        var (taskId, snapshotId) = await ClaimAsync();

        Assert.True(await _host.Tasks.EndDeletedAsync(taskId, Worker, "ServerError: x", DateTimeOffset.UtcNow));

        Assert.Equal([snapshotId], await _host.SnapshotRows.PendingReleasesAsync(10));
        Assert.Equal(ImportTaskStatus.Deleted, (await _host.Tasks.FindAsync(taskId))!.Status);
    }

    [Fact]
    public async Task Handing_a_held_task_back_queues_its_runs_snapshot_for_release()
    {
        var (taskId, snapshotId) = await ClaimAsync();

        Assert.True(await _host.Tasks.ReleaseClaimAsync(taskId, Worker, DateTimeOffset.UtcNow));

        Assert.Equal([snapshotId], await _host.SnapshotRows.PendingReleasesAsync(10));
        var task = await _host.Tasks.FindAsync(taskId);
        Assert.Equal((ImportTaskStatus.Active, null, null), (task!.Status, task.ClaimedBy, task.SnapshotId));
    }

    [Fact]
    public async Task A_worker_that_no_longer_holds_the_task_changes_and_queues_nothing()
    {
        var (taskId, _) = await ClaimAsync();

        Assert.False(await _host.Tasks.EndDeletedAsync(taskId, "another-worker", "ServerError: x", DateTimeOffset.UtcNow));
        Assert.False(await _host.Tasks.ReleaseClaimAsync(taskId, "another-worker", DateTimeOffset.UtcNow));

        Assert.Empty(await _host.SnapshotRows.PendingReleasesAsync(10));
        Assert.Equal((ImportTaskStatus.Active, Worker), ((await _host.Tasks.FindAsync(taskId))!.Status, (await _host.Tasks.FindAsync(taskId))!.ClaimedBy));
    }

    [Fact]
    public async Task Contents_a_snapshot_row_still_describes_are_never_queued()
    {
        var (taskId, snapshotId) = await ClaimAsync();
        await SnapshotRowFactory.InsertAsync(_host, s => s with { Id = snapshotId });

        Assert.True(await _host.Tasks.EndDeletedAsync(taskId, Worker, "ServerError: x", DateTimeOffset.UtcNow));
        await _host.SnapshotRows.QueueReleaseAsync(snapshotId, DateTimeOffset.UtcNow);

        Assert.Empty(await _host.SnapshotRows.PendingReleasesAsync(10));
    }
}

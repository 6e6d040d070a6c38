using Vmie.Ec2.Imports;
using Vmie.Ec2.Persistence;
using Vmie.Ec2.Tasks;
using Vmie.Ec2.Tests.Imports;
using Vmie.Ec2.Tests.TestDoubles;

namespace Vmie.Ec2.Tests.Persistence;

/// <summary>The disks of image tasks: written with their task, changed only by the worker holding it.</summary>
public sealed class TaskDiskRepositoryTests : IAsyncLifetime
{
    private const string Worker = "worker-1";

    private Ec2TestHost _host = null!;

    public Task InitializeAsync()
    {
        _host = Ec2TestHost.Create(options => options.MaxActiveImportTasksPerRegion = 1);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task<string> ImportTwoDisksAsync() => (await _host.ImportImage.ImportAsync(ImportImageRequests.TwoVmdks(), _host.Context)).ImportTaskId!;

    private async Task ClaimAsync(string id)
    {
        var claimed = await _host.Tasks.TryClaimNextAsync([ImportTaskKind.ImportImage], Worker, null, DateTimeOffset.UtcNow);
        Assert.Equal(id, claimed!.Id);
    }

    [Fact]
    public async Task A_task_and_its_disks_are_written_together_or_not_at_all()
    {
        var id = await ImportTwoDisksAsync();
        var disks = (await _host.TaskDisks.GetAsync([id]))[id];
        Assert.Equal(2, disks.Count);
        Assert.All(disks, d => Assert.Equal((ImportTaskStatus.Active, 0L, null), (d.Status, d.DiskImageSize, d.SnapshotId)));

        // Over the active limit: neither the task nor its disks are written.
        var refused = new ImportTaskRecord
        {
            Id = "import-ami-0123456789abcdef0",
            Kind = ImportTaskKind.ImportImage,
            AccountId = Ec2TestHost.Account,
            Region = Ec2TestHost.Region,
            Status = ImportTaskStatus.Active,
            RequestJson = "{}",
        };
        TaskDiskRecord[] refusedDisks = [new() { TaskId = refused.Id, Position = 0, Format = "RAW", Status = ImportTaskStatus.Active }];
        var outcome = await _host.Tasks.InsertAsync(refused, refusedDisks, [], "import-image-task", ImportTaskKind.CountedTowardsActiveLimit, 1);
        Assert.Equal(ImportTaskInsertResult.ActiveTaskLimitReached, outcome.Result);
        Assert.Empty(await _host.TaskDisks.GetAsync([refused.Id]));
        Assert.Null(await _host.Tasks.FindAsync(refused.Id));

        await Assert.ThrowsAsync<ArgumentException>(() => _host.Tasks.InsertAsync(refused, [refusedDisks[0] with { TaskId = id }], [], "import-image-task", ImportTaskKind.CountedTowardsActiveLimit, 5));
    }

    [Fact]
    public async Task Only_the_worker_holding_the_task_updates_a_disk_and_progress_never_goes_back()
    {
        var id = await ImportTwoDisksAsync();
        var update = new TaskDiskUpdate { StatusMessage = "converting", Progress = 40, DiskImageSize = 3_115_815_424, DeviceName = "/dev/sdb" };
        Assert.False(await _host.TaskDisks.UpdateAsync(id, Worker, 1, update));

        await ClaimAsync(id);
        Assert.True(await _host.TaskDisks.UpdateAsync(id, Worker, 1, update));
        Assert.True(await _host.TaskDisks.UpdateAsync(id, Worker, 1, new TaskDiskUpdate { Progress = 10 }));
        Assert.False(await _host.TaskDisks.UpdateAsync(id, "another-worker", 1, new TaskDiskUpdate { Progress = 90 }));
        Assert.False(await _host.TaskDisks.UpdateAsync(id, Worker, 7, new TaskDiskUpdate { Progress = 90 }));

        var disk = (await _host.TaskDisks.GetAsync([id]))[id][1];
        Assert.Equal(("converting", 40, 3_115_815_424L, "/dev/sdb"), (disk.StatusMessage, disk.Progress, disk.DiskImageSize, disk.DeviceName));
        Assert.Equal("VMDK", disk.Format);

        Assert.True(await _host.TaskDisks.UpdateAsync(id, Worker, 1, new TaskDiskUpdate { Status = ImportTaskStatus.Completed, SnapshotId = "snap-0123456789abcdef0" }));
        var view = ImportImageTaskView.ToDetail((await _host.TaskDisks.GetAsync([id]))[id][1], taskEnded: false);
        Assert.Equal(("completed", "snap-0123456789abcdef0", "/dev/sdb", 3_115_815_424.0), (view.Status, view.SnapshotId, view.DeviceName, view.DiskImageSize));

        // A task being cancelled takes no more disk updates.
        await _host.CancelImportTask.CancelAsync(new() { ImportTaskId = id }, _host.Context);
        Assert.Equal(ImportTaskStatus.Deleting, (await _host.Tasks.FindAsync(id))!.Status);
        Assert.False(await _host.TaskDisks.UpdateAsync(id, Worker, 0, new TaskDiskUpdate { Progress = 50 }));
    }

    [Fact]
    public async Task The_worker_can_replace_an_ovas_row_by_the_disks_it_holds()
    {
        var id = (await _host.ImportImage.ImportAsync(ImportImageRequests.Ova(), _host.Context)).ImportTaskId!;
        var ova = Assert.Single((await _host.TaskDisks.GetAsync([id]))[id]);
        TaskDiskRecord[] inside =
        [
            ova with { Format = "VMDK", DeviceName = "/dev/sda1" },
            ova with { Position = 1, Format = "VMDK", DeviceName = "/dev/sdb" },
        ];
        Assert.False(await _host.TaskDisks.ReplaceAsync(id, Worker, inside));

        await ClaimAsync(id);
        Assert.True(await _host.TaskDisks.ReplaceAsync(id, Worker, inside));

        var disks = (await _host.TaskDisks.GetAsync([id]))[id];
        Assert.Equal(["/dev/sda1", "/dev/sdb"], disks.Select(d => d.DeviceName));
        Assert.All(disks, d => Assert.Equal("VMDK", d.Format));
    }
}

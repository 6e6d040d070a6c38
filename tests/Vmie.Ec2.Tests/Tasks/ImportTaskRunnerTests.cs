using Microsoft.Extensions.Logging;
using Vmie.Ec2.Contracts.ImportSnapshots;
using Vmie.Ec2.Contracts.Snapshots;
using Vmie.Ec2.Errors;
using Vmie.Ec2.Tasks;
using Vmie.Ec2.Tests.TestDoubles;

namespace Vmie.Ec2.Tests.Tasks;

public sealed class ImportTaskRunnerTests : IAsyncLifetime
{
    private const int MiB = 1 << 20;

    private Ec2TestHost _host = null!;

    public Task InitializeAsync()
    {
        _host = Ec2TestHost.Create();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition did not come true in time");
            await Task.Delay(20);
        }
    }

    private static async Task<byte[]> ReadAllAsync(Vmie.Disks.Abstractions.IVirtualDisk disk)
    {
        var bytes = new byte[disk.Capacity];
        var read = await disk.ReadAsync(0, bytes);
        Assert.Equal(bytes.Length, read);
        return bytes;
    }

    [Fact]
    public async Task A_raw_image_is_imported_with_rising_progress_into_a_completed_snapshot()
    {
        var content = ObjectContent.Pattern(8 * MiB + 12345);
        _host.Objects.Put(Ec2TestHost.Bucket, "disk.raw", content);
        var gates = Enumerable.Range(0, 9).Select(_ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).ToArray();
        _host.Importer.BeforeBlock = (index, ct) => gates[index].Task.WaitAsync(ct);
        var id = await _host.ImportAsync(Ec2TestHost.RawRequest());

        await _host.StartRunnerAsync();
        gates[0].SetResult();
        gates[1].SetResult();
        gates[2].SetResult();
        var converting = await _host.WaitForTaskAsync(id, t => t.SnapshotTaskDetail!.Progress is not (null or "3"));
        var detail = converting.SnapshotTaskDetail!;
        Assert.Equal("active", detail.Status);
        Assert.Equal("downloading/converting", detail.StatusMessage);
        Assert.Equal(content.Length, detail.DiskImageSize);
        var early = int.Parse(detail.Progress!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(early, 4, 50);
        Assert.Null(detail.SnapshotId);

        foreach (var gate in gates.Skip(3).Take(5))
        {
            gate.SetResult();
        }

        var late = await _host.WaitForTaskAsync(id, t => int.Parse(t.SnapshotTaskDetail!.Progress ?? "0", System.Globalization.CultureInfo.InvariantCulture) >= 90);
        Assert.InRange(int.Parse(late.SnapshotTaskDetail!.Progress!, System.Globalization.CultureInfo.InvariantCulture), 90, 99);
        gates[8].SetResult();

        var done = (await _host.WaitForEndAsync(id)).SnapshotTaskDetail!;
        Assert.Equal("completed", done.Status);
        Assert.Null(done.Progress);
        Assert.Null(done.StatusMessage);
        Assert.Matches("^snap-[0-9a-f]{17}$", done.SnapshotId);
        Assert.Equal(content.Length, done.DiskImageSize);

        var snapshot = Assert.Single((await _host.SnapshotService.DescribeAsync(new DescribeSnapshotsRequest(), _host.Context)).Snapshots);
        Assert.Equal(done.SnapshotId, snapshot.SnapshotId);
        Assert.Equal("completed", snapshot.State);
        Assert.Equal("100%", snapshot.Progress);
        Assert.Equal(1, snapshot.VolumeSize);
        Assert.Equal("vol-ffffffff", snapshot.VolumeId);
        Assert.Equal(Ec2TestHost.Account, snapshot.OwnerId);
        Assert.Equal($"Created by AWS-VMImport service for {id}", snapshot.Description);
        Assert.False(snapshot.Encrypted);
        Assert.True(snapshot.FullSnapshotSizeInBytes < content.Length, "the zero holes are not counted as data");

        await using var disk = await _host.Snapshots.OpenAsync(done.SnapshotId!);
        Assert.Equal(content.ToArray(), await ReadAllAsync(disk));
    }

    [Fact]
    public async Task The_disk_description_becomes_the_snapshot_description_and_encryption_is_carried()
    {
        _host.Objects.Put(Ec2TestHost.Bucket, "disk.raw", ObjectContent.Pattern(3 * MiB));
        var request = Ec2TestHost.RawRequest();
        request.DiskContainer!.Description = "root disk of web-1";
        request.Encrypted = true;
        request.KmsKeyId = "arn:aws:kms:us-east-1:111122223333:key/abcd";
        var id = await _host.ImportAsync(request);

        await _host.StartRunnerAsync();
        var done = (await _host.WaitForEndAsync(id)).SnapshotTaskDetail!;

        var snapshot = Assert.Single((await _host.SnapshotService.DescribeAsync(new DescribeSnapshotsRequest { SnapshotIds = [done.SnapshotId!] }, _host.Context)).Snapshots);
        Assert.Equal("root disk of web-1", snapshot.Description);
        Assert.True(snapshot.Encrypted);
        Assert.Equal("arn:aws:kms:us-east-1:111122223333:key/abcd", snapshot.KmsKeyId);
    }

    [Fact]
    public async Task Volume_size_is_the_capacity_rounded_up_to_whole_GiB()
    {
        _host.Objects.Put(Ec2TestHost.Bucket, "big.raw", ObjectContent.ZerosEndingInData((1L << 30) + 1));
        var id = await _host.ImportAsync(Ec2TestHost.RawRequest("big.raw"));

        await _host.StartRunnerAsync();
        var done = (await _host.WaitForEndAsync(id, TimeSpan.FromSeconds(60))).SnapshotTaskDetail!;

        var snapshot = Assert.Single(await _host.SnapshotRows.FindManyAsync(Ec2TestHost.Account, Ec2TestHost.Region, [done.SnapshotId!]));
        Assert.Equal(2, snapshot.VolumeSize);
        Assert.Equal((1L << 30) + 1, snapshot.Capacity);
        Assert.Equal(1, snapshot.DataBytes);
    }

    [Fact]
    public async Task A_missing_key_ends_the_task_deleted_with_a_client_error()
    {
        var id = await _host.ImportAsync(Ec2TestHost.RawRequest("never-uploaded.raw"));

        await _host.StartRunnerAsync();
        var detail = (await _host.WaitForEndAsync(id)).SnapshotTaskDetail!;

        Assert.Equal("deleted", detail.Status);
        Assert.Equal("ClientError: Disk validation failed [We do not have access to the given resource. Reason 404 Not Found]", detail.StatusMessage);
        Assert.Null(detail.Progress);
        Assert.Null(detail.SnapshotId);
        Assert.Empty((await _host.SnapshotService.DescribeAsync(new DescribeSnapshotsRequest(), _host.Context)).Snapshots);
    }

    [Fact]
    public async Task A_bucket_deleted_after_the_request_ends_the_task_deleted_with_a_client_error()
    {
        var id = await _host.ImportAsync(Ec2TestHost.RawRequest());
        _host.Objects.RemoveBucket(Ec2TestHost.Bucket);

        await _host.StartRunnerAsync();
        var detail = (await _host.WaitForEndAsync(id)).SnapshotTaskDetail!;

        Assert.Equal("deleted", detail.Status);
        Assert.StartsWith("ClientError: Disk validation failed", detail.StatusMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_empty_object_ends_the_task_deleted_with_a_client_error()
    {
        _host.Objects.Put(Ec2TestHost.Bucket, "empty.raw", []);
        var id = await _host.ImportAsync(Ec2TestHost.RawRequest("empty.raw"));

        await _host.StartRunnerAsync();
        var detail = (await _host.WaitForEndAsync(id)).SnapshotTaskDetail!;

        Assert.Equal("deleted", detail.Status);
        Assert.StartsWith("ClientError: Disk validation failed [Invalid disk image size 0", detail.StatusMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_internal_failure_ends_the_task_with_a_server_error_that_reveals_no_internals()
    {
        _host.Objects.Put(Ec2TestHost.Bucket, "disk.raw", ObjectContent.Pattern(2 * MiB));
        _host.Importer.BeforeBlock = (_, _) => throw new InvalidOperationException("secret internal detail at /var/lib/vmie");
        var id = await _host.ImportAsync(Ec2TestHost.RawRequest());

        await _host.StartRunnerAsync();
        var detail = (await _host.WaitForEndAsync(id)).SnapshotTaskDetail!;

        Assert.Equal("deleted", detail.Status);
        Assert.StartsWith("ServerError: ", detail.StatusMessage, StringComparison.Ordinal);
        Assert.Contains(id, detail.StatusMessage, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", detail.StatusMessage, StringComparison.Ordinal);
        Assert.Equal(1, _host.Snapshots.AbandonedWriters);
        await WaitUntilAsync(async () => (await _host.SnapshotRows.PendingReleasesAsync(10)).Count == 0);
    }

    [Fact]
    public async Task Cancelling_during_conversion_stops_it_releases_the_partial_snapshot_and_ends_deleted()
    {
        _host.Objects.Put(Ec2TestHost.Bucket, "disk.raw", ObjectContent.Pattern(6 * MiB));
        var reachedBlock2 = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _host.Importer.BeforeBlock = async (index, ct) =>
        {
            if (index == 2)
            {
                reachedBlock2.SetResult();
                await Task.Delay(Timeout.Infinite, ct);
            }
        };
        var id = await _host.ImportAsync(Ec2TestHost.RawRequest());
        await _host.StartRunnerAsync();
        await reachedBlock2.Task.WaitAsync(TimeSpan.FromSeconds(15));

        var cancel = await _host.CancelImportTask.CancelAsync(new CancelImportTaskRequest { ImportTaskId = id, CancelReason = "wrong image" }, _host.Context);

        Assert.Equal((id, "active", "deleting"), (cancel.ImportTaskId, cancel.PreviousState, cancel.State));
        var detail = (await _host.WaitForEndAsync(id)).SnapshotTaskDetail!;
        Assert.Equal("deleted", detail.Status);
        Assert.Equal(ImportTaskMessages.Cancelled, detail.StatusMessage);
        Assert.Null(detail.SnapshotId);
        Assert.Equal(1, _host.Snapshots.AbandonedWriters);
        Assert.Empty(_host.Snapshots.CommittedIds);
        Assert.Empty((await _host.SnapshotService.DescribeAsync(new DescribeSnapshotsRequest(), _host.Context)).Snapshots);
        Assert.Equal("wrong image", (await _host.Tasks.FindAsync(id))!.CancelReason);
    }

    [Fact]
    public async Task A_snapshot_committed_as_its_task_is_cancelled_is_released_and_the_task_ends_deleted()
    {
        _host.Objects.Put(Ec2TestHost.Bucket, "disk.raw", ObjectContent.Pattern(2 * MiB));
        var id = await _host.ImportAsync(Ec2TestHost.RawRequest());
        string? committed = null;
        _host.Importer.AfterCommit = snapshotId =>
        {
            committed = snapshotId;
            _host.Tasks.RequestCancelAsync(id, Ec2TestHost.Account, Ec2TestHost.Region, null, DateTimeOffset.UtcNow).GetAwaiter().GetResult();
        };

        await _host.StartRunnerAsync();
        var detail = (await _host.WaitForEndAsync(id)).SnapshotTaskDetail!;

        Assert.Equal(("deleted", ImportTaskMessages.Cancelled), (detail.Status, detail.StatusMessage));
        Assert.NotNull(committed);
        await WaitUntilAsync(async () => !_host.Snapshots.CommittedIds.Contains(committed) && (await _host.SnapshotRows.PendingReleasesAsync(10)).Count == 0);
        Assert.Empty((await _host.SnapshotService.DescribeAsync(new DescribeSnapshotsRequest(), _host.Context)).Snapshots);
    }

    [Fact]
    public async Task The_heartbeat_stops_before_the_end_is_written_so_no_lost_claim_is_reported()
    {
        // The worker is held after its final write (while it logs the completion): a heartbeat still running
        // would find the claim gone and warn that the conversion is being stopped. The held worker blocks a
        // pool thread; enough others must be there for the heartbeat to run meanwhile, as on a server.
        ThreadPool.GetMinThreads(out var workers, out var completionPorts);
        ThreadPool.SetMinThreads(Math.Max(workers, 16), completionPorts);
        _host.Objects.Put(Ec2TestHost.Bucket, "disk.raw", ObjectContent.Pattern(MiB));
        var logged = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _host.Log.OnLog = entry =>
        {
            if (entry.Message.Contains("completed: snapshot", StringComparison.Ordinal))
            {
                Thread.Sleep(400); // eight heartbeat intervals
                logged.TrySetResult();
            }
        };
        _host.Importer.BeforeBlock = (_, ct) => Task.Delay(200, ct); // the heartbeat is running
        var id = await _host.ImportAsync(Ec2TestHost.RawRequest());

        // Started off the test framework's synchronisation context, so the heartbeat runs beside the held
        // worker as in the server.
        await Task.Run(_host.StartRunnerAsync);
        await logged.Task.WaitAsync(TimeSpan.FromSeconds(15));

        Assert.Equal("completed", (await _host.DescribeTaskAsync(id)).SnapshotTaskDetail!.Status);
        Assert.Empty(_host.Log.AtLeast(LogLevel.Warning));
    }

    [Fact]
    public async Task A_cancellation_seen_only_through_the_database_also_stops_the_conversion()
    {
        // Another process asked for the cancellation: only the deleting status tells this worker.
        _host.Objects.Put(Ec2TestHost.Bucket, "disk.raw", ObjectContent.Pattern(4 * MiB));
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _host.Importer.BeforeBlock = async (index, ct) =>
        {
            if (index == 1)
            {
                reached.SetResult();
                await Task.Delay(Timeout.Infinite, ct);
            }
        };
        var id = await _host.ImportAsync(Ec2TestHost.RawRequest());
        await _host.StartRunnerAsync();
        await reached.Task.WaitAsync(TimeSpan.FromSeconds(15));

        var outcome = await _host.Tasks.RequestCancelAsync(id, Ec2TestHost.Account, Ec2TestHost.Region, null, DateTimeOffset.UtcNow);

        Assert.Equal("deleting", outcome!.State);
        Assert.Equal("deleted", (await _host.WaitForEndAsync(id)).SnapshotTaskDetail!.Status);
    }

    [Fact]
    public async Task Cancelling_a_task_no_worker_started_ends_it_at_once_but_answers_deleting_as_AWS_does()
    {
        var id = await _host.ImportAsync(Ec2TestHost.RawRequest());

        var cancel = await _host.CancelImportTask.CancelAsync(new CancelImportTaskRequest { ImportTaskId = id }, _host.Context);

        Assert.Equal((id, "active", "deleting"), (cancel.ImportTaskId, cancel.PreviousState, cancel.State));
        var detail = (await _host.DescribeTaskAsync(id)).SnapshotTaskDetail!;
        Assert.Equal(("deleted", ImportTaskMessages.Cancelled), (detail.Status, detail.StatusMessage));
        Assert.Null(detail.Progress);

        _host.Objects.Put(Ec2TestHost.Bucket, "disk.raw", ObjectContent.Pattern(MiB));
        await _host.StartRunnerAsync();
        await Task.Delay(300);
        Assert.Equal("deleted", (await _host.DescribeTaskAsync(id)).SnapshotTaskDetail!.Status);
        Assert.Empty(_host.Snapshots.CommittedIds);
    }

    [Fact]
    public async Task Only_active_tasks_of_the_caller_can_be_cancelled()
    {
        _host.Objects.Put(Ec2TestHost.Bucket, "disk.raw", ObjectContent.Pattern(MiB));
        var completed = await _host.ImportAsync(Ec2TestHost.RawRequest());
        await _host.StartRunnerAsync();
        await _host.WaitForEndAsync(completed);
        var deleted = await _host.ImportAsync(Ec2TestHost.RawRequest("missing.raw"));
        await _host.WaitForEndAsync(deleted);

        async Task<Ec2Exception> CancelAsync(string? id, Vmie.Ec2.Requests.Ec2RequestContext? context = null) =>
            await Assert.ThrowsAsync<Ec2Exception>(() => _host.CancelImportTask.CancelAsync(new CancelImportTaskRequest { ImportTaskId = id }, context ?? _host.Context));

        Assert.Equal("IncorrectState", (await CancelAsync(completed)).Code);
        Assert.Equal("IncorrectState", (await CancelAsync(deleted)).Code);
        Assert.Contains("completed", (await CancelAsync(completed)).Message, StringComparison.Ordinal);

        var unknown = await CancelAsync("import-snap-0123456789abcdef0");
        Assert.Equal("InvalidConversionTaskId.Malformed", unknown.Code);
        Assert.Contains("does not exist", unknown.Message, StringComparison.Ordinal);
        Assert.Equal("InvalidConversionTaskId.Malformed", (await CancelAsync("import-snap-xyz")).Code);
        Assert.Equal("InvalidConversionTaskId.Malformed", (await CancelAsync("snap-0123456789abcdef0")).Code);
        Assert.Equal("MissingParameter", (await CancelAsync(null)).Code);

        var pending = await _host.ImportAsync(Ec2TestHost.RawRequest("missing-too.raw"));
        Assert.Contains("does not exist", (await CancelAsync(pending, _host.OtherContext)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_task_interrupted_by_shutdown_is_handed_back_and_completed_by_the_next_server()
    {
        var content = ObjectContent.Pattern(4 * MiB);
        _host.Objects.Put(Ec2TestHost.Bucket, "disk.raw", content);
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _host.Importer.BeforeBlock = async (index, ct) =>
        {
            if (index == 2)
            {
                reached.TrySetResult();
                await Task.Delay(Timeout.Infinite, ct);
            }
        };
        var id = await _host.ImportAsync(Ec2TestHost.RawRequest());
        await _host.StartRunnerAsync();
        await reached.Task.WaitAsync(TimeSpan.FromSeconds(15));
        var firstSnapshotId = (await _host.Tasks.FindAsync(id))!.SnapshotId;

        await _host.StopRunnerAsync();

        var handedBack = await _host.Tasks.FindAsync(id);
        Assert.Equal(("active", "pending", 3), (handedBack!.Status, handedBack.StatusMessage, handedBack.Progress));
        Assert.Null(handedBack.ClaimedBy);
        Assert.Null(handedBack.SnapshotId);
        Assert.Equal([firstSnapshotId!], await _host.SnapshotRows.PendingReleasesAsync(10));

        await using var restarted = _host.Restart();
        await restarted.StartRunnerAsync();
        var done = (await restarted.WaitForEndAsync(id)).SnapshotTaskDetail!;

        Assert.Equal("completed", done.Status);
        Assert.NotEqual(firstSnapshotId, done.SnapshotId);
        Assert.Equal(1, (await restarted.Tasks.FindAsync(id))!.Attempts);
        Assert.Contains(firstSnapshotId, restarted.Snapshots.DeleteCalls);
        await using var disk = await restarted.Snapshots.OpenAsync(done.SnapshotId!);
        Assert.Equal(content.ToArray(), await ReadAllAsync(disk));
    }

    [Fact]
    public async Task A_task_left_claimed_by_a_crashed_server_is_restarted_and_its_partial_snapshot_released()
    {
        _host.Objects.Put(Ec2TestHost.Bucket, "disk.raw", ObjectContent.Pattern(2 * MiB));
        var id = await _host.ImportAsync(Ec2TestHost.RawRequest());
        var crashed = await _host.Tasks.TryClaimNextAsync([ImportTaskKind.ImportSnapshot], "crashed-server/1/x", "snap-00000000000000001", DateTimeOffset.UtcNow);
        Assert.Equal(id, crashed!.Id);
        Assert.Equal(("active", "validating"), ((await _host.DescribeTaskAsync(id)).SnapshotTaskDetail!.Status, (await _host.DescribeTaskAsync(id)).SnapshotTaskDetail!.StatusMessage));

        await using var restarted = _host.Restart();
        await restarted.StartRunnerAsync();
        var done = (await restarted.WaitForEndAsync(id)).SnapshotTaskDetail!;

        Assert.Equal("completed", done.Status);
        Assert.NotEqual("snap-00000000000000001", done.SnapshotId);
        Assert.Contains("snap-00000000000000001", restarted.Snapshots.DeleteCalls);
        Assert.Empty(await restarted.SnapshotRows.PendingReleasesAsync(10));
    }

    [Fact]
    public async Task A_task_interrupted_too_often_ends_with_a_server_error()
    {
        var id = await _host.ImportAsync(Ec2TestHost.RawRequest());
        await _host.Tasks.TryClaimNextAsync([ImportTaskKind.ImportSnapshot], "crashed-server/1/x", "snap-00000000000000002", DateTimeOffset.UtcNow);

        await using var restarted = _host.Restart(options => options.MaxImportAttempts = 1);
        await restarted.StartRunnerAsync();
        var detail = (await restarted.WaitForEndAsync(id)).SnapshotTaskDetail!;

        Assert.Equal("deleted", detail.Status);
        Assert.Equal(ImportTaskMessages.Interrupted, detail.StatusMessage);
        Assert.StartsWith("ServerError: ", detail.StatusMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_task_being_cancelled_when_its_server_crashed_ends_deleted_after_restart()
    {
        var id = await _host.ImportAsync(Ec2TestHost.RawRequest());
        await _host.Tasks.TryClaimNextAsync([ImportTaskKind.ImportSnapshot], "crashed-server/1/x", "snap-00000000000000003", DateTimeOffset.UtcNow);
        var cancel = await _host.CancelImportTask.CancelAsync(new CancelImportTaskRequest { ImportTaskId = id }, _host.Context);
        Assert.Equal("deleting", cancel.State);

        await using var restarted = _host.Restart();
        await restarted.StartRunnerAsync();
        var detail = (await restarted.WaitForEndAsync(id)).SnapshotTaskDetail!;

        Assert.Equal(("deleted", ImportTaskMessages.Cancelled), (detail.Status, detail.StatusMessage));
        Assert.Contains("snap-00000000000000003", restarted.Snapshots.DeleteCalls);
    }

    [Fact]
    public async Task Only_stale_claims_are_taken_over_when_other_workers_may_be_alive()
    {
        _host.Objects.Put(Ec2TestHost.Bucket, "disk.raw", ObjectContent.Pattern(MiB));
        var stale = await _host.ImportAsync(Ec2TestHost.RawRequest());
        var live = await _host.ImportAsync(Ec2TestHost.RawRequest());
        await _host.Tasks.TryClaimNextAsync([ImportTaskKind.ImportSnapshot], "dead-worker", "snap-00000000000000004", DateTimeOffset.UtcNow.AddHours(-1));
        await _host.Tasks.TryClaimNextAsync([ImportTaskKind.ImportSnapshot], "live-worker", "snap-00000000000000005", DateTimeOffset.UtcNow);

        await using var other = _host.Restart(options => options.RecoverAllClaimsOnStart = false);
        await other.StartRunnerAsync();

        Assert.Equal("completed", (await other.WaitForEndAsync(stale)).SnapshotTaskDetail!.Status);
        await Task.Delay(500);
        var held = await other.Tasks.FindAsync(live);
        Assert.Equal(("active", "live-worker"), (held!.Status, held.ClaimedBy));
    }

    [Fact]
    public async Task A_stale_claim_of_the_runner_itself_that_nothing_runs_is_recovered()
    {
        // The end of a run could not be recorded (database briefly unavailable): the claim is the runner's own.
        _host.Objects.Put(Ec2TestHost.Bucket, "disk.raw", ObjectContent.Pattern(MiB));
        var id = await _host.ImportAsync(Ec2TestHost.RawRequest());
        await _host.Tasks.TryClaimNextAsync([ImportTaskKind.ImportSnapshot], _host.Runner.WorkerId, "snap-00000000000000006", DateTimeOffset.UtcNow.AddHours(-1));

        await _host.StartRunnerAsync();

        Assert.Equal("completed", (await _host.WaitForEndAsync(id)).SnapshotTaskDetail!.Status);
    }

    [Fact]
    public async Task Tasks_queued_before_the_runner_starts_all_complete_with_several_workers()
    {
        _host.Objects.Put(Ec2TestHost.Bucket, "disk.raw", ObjectContent.Pattern(2 * MiB));
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add(await _host.ImportAsync(Ec2TestHost.RawRequest()));
        }

        await _host.StartRunnerAsync();

        foreach (var id in ids)
        {
            Assert.Equal("completed", (await _host.WaitForEndAsync(id)).SnapshotTaskDetail!.Status);
        }

        Assert.Equal(5, _host.Snapshots.CommittedIds.Count);
    }
}

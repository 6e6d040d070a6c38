using Vmie.Ec2.Contracts.Common;
using Vmie.Ec2.Contracts.ImportImages;
using Vmie.Ec2.Contracts.ImportSnapshots;
using Vmie.Ec2.Errors;
using Vmie.Ec2.Tests.TestDoubles;

namespace Vmie.Ec2.Tests.Imports;

/// <summary>DescribeImportImageTasks, client-token idempotency and CancelImportTask for import-ami- tasks.</summary>
public sealed class DescribeImportImageTasksTests : IAsyncLifetime
{
    private Ec2TestHost _host = null!;

    public Task InitializeAsync()
    {
        _host = Ec2TestHost.Create(options => options.MaxActiveImportTasksPerRegion = 10);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task<string> ImportAsync(ImportImageRequest? request = null, string? tagValue = null)
    {
        request ??= ImportImageRequests.Ova();
        if (tagValue is not null)
        {
            request.TagSpecifications = [new TagSpecification { ResourceType = "import-image-task", Tags = [new Tag { Key = "env", Value = tagValue }] }];
        }

        return (await _host.ImportImage.ImportAsync(request, _host.Context)).ImportTaskId!;
    }

    private Task<DescribeImportImageTasksResult> DescribeAsync(DescribeImportImageTasksRequest request) => _host.ImportImage.DescribeAsync(request, _host.Context);

    private async Task<ImportImageTask> DescribeOneAsync(string id) =>
        Assert.Single((await DescribeAsync(new DescribeImportImageTasksRequest { ImportTaskIds = [id] })).ImportImageTasks);

    [Fact]
    public async Task Describe_lists_the_callers_image_tasks_only_with_all_their_disks()
    {
        var first = await ImportAsync();
        var second = await ImportAsync(ImportImageRequests.TwoVmdks());
        await _host.ImportAsync(Ec2TestHost.RawRequest());

        var all = await DescribeAsync(new DescribeImportImageTasksRequest());
        Assert.Equal([first, second], all.ImportImageTasks.Select(t => t.ImportTaskId));
        Assert.Null(all.NextToken);
        var two = all.ImportImageTasks[1];
        Assert.Equal(2, two.SnapshotDetails.Count);
        Assert.Equal("active", two.Status);
        Assert.Equal("pending", two.StatusMessage);
        Assert.Equal("2", two.Progress);

        Assert.Empty((await _host.ImportImage.DescribeAsync(new DescribeImportImageTasksRequest(), _host.OtherContext)).ImportImageTasks);
        var snapshots = await _host.ImportSnapshot.DescribeAsync(new DescribeImportSnapshotTasksRequest(), _host.Context);
        Assert.DoesNotContain(snapshots.ImportSnapshotTasks, t => t.ImportTaskId == first);
    }

    [Theory]
    [InlineData("import-snap-0123456789abcdef0")]
    [InlineData("import-ami-XYZ")]
    [InlineData("ami-0123456789abcdef0")]
    public async Task A_malformed_id_is_refused(string id)
    {
        var error = await Assert.ThrowsAsync<Ec2Exception>(() => DescribeAsync(new DescribeImportImageTasksRequest { ImportTaskIds = [id] }));
        Assert.Equal("InvalidConversionTaskId.Malformed", error.Code);
    }

    [Fact]
    public async Task An_unknown_or_foreign_id_is_refused_as_EC2_does()
    {
        var mine = await ImportAsync();

        var unknown = await Assert.ThrowsAsync<Ec2Exception>(() => DescribeAsync(new DescribeImportImageTasksRequest { ImportTaskIds = [mine, "import-ami-0123456789abcdef0"] }));
        Assert.Equal("InvalidConversionTaskId.Malformed", unknown.Code);
        Assert.Contains("import-ami-0123456789abcdef0", unknown.Message, StringComparison.Ordinal);
        var foreign = await Assert.ThrowsAsync<Ec2Exception>(() => _host.ImportImage.DescribeAsync(new DescribeImportImageTasksRequest { ImportTaskIds = [mine] }, _host.OtherContext));
        Assert.Equal("InvalidConversionTaskId.Malformed", foreign.Code);
    }

    [Fact]
    public async Task Filters_select_by_state_and_tags()
    {
        var blue = await ImportAsync(tagValue: "blue");
        var green = await ImportAsync(tagValue: "green");
        await _host.CancelImportTask.CancelAsync(new CancelImportTaskRequest { ImportTaskId = green }, _host.Context);

        Assert.Equal([blue], (await DescribeAsync(new() { Filters = [new Filter { Name = "task-state", Values = ["active"] }] })).ImportImageTasks.Select(t => t.ImportTaskId));
        Assert.Equal([green], (await DescribeAsync(new() { Filters = [new Filter { Name = "task-state", Values = ["deleted"] }] })).ImportImageTasks.Select(t => t.ImportTaskId));
        Assert.Equal([green], (await DescribeAsync(new() { Filters = [new Filter { Name = "tag:env", Values = ["gr*"] }] })).ImportImageTasks.Select(t => t.ImportTaskId));
        Assert.Equal([blue, green], (await DescribeAsync(new() { Filters = [new Filter { Name = "tag-key", Values = ["env"] }] })).ImportImageTasks.Select(t => t.ImportTaskId));
        var bad = await Assert.ThrowsAsync<Ec2Exception>(() => DescribeAsync(new() { Filters = [new Filter { Name = "image-id", Values = ["x"] }] }));
        Assert.Equal("InvalidParameterValue", bad.Code);
    }

    [Fact]
    public async Task Pages_follow_NextToken_to_the_end()
    {
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add(await ImportAsync());
        }

        var seen = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var page = await DescribeAsync(new DescribeImportImageTasksRequest { MaxResults = 2, NextToken = token });
            Assert.True(page.ImportImageTasks.Count <= 2);
            seen.AddRange(page.ImportImageTasks.Select(t => t.ImportTaskId!));
            token = page.NextToken;
            pages++;
        }
        while (token is not null);

        Assert.Equal(ids, seen);
        Assert.Equal(3, pages);
        Assert.Equal("InvalidParameterValue", (await Assert.ThrowsAsync<Ec2Exception>(() => DescribeAsync(new() { MaxResults = 0 }))).Code);
        Assert.Equal("InvalidNextToken", (await Assert.ThrowsAsync<Ec2Exception>(() => DescribeAsync(new() { NextToken = "garbage" }))).Code);
    }

    [Fact]
    public async Task The_same_client_token_returns_the_same_task_and_a_different_request_is_a_mismatch()
    {
        var request = ImportImageRequests.Ova();
        request.ClientToken = "token-1";
        var first = await _host.ImportImage.ImportAsync(request, _host.Context);

        var retry = ImportImageRequests.Ova();
        retry.ClientToken = "token-1";
        var again = await _host.ImportImage.ImportAsync(retry, _host.Context);
        Assert.Equal(first.ImportTaskId, again.ImportTaskId);
        Assert.Single((await DescribeAsync(new())).ImportImageTasks);

        var different = ImportImageRequests.Ova();
        different.ClientToken = "token-1";
        different.LicenseType = "BYOL";
        var mismatch = await Assert.ThrowsAsync<Ec2Exception>(() => _host.ImportImage.ImportAsync(different, _host.Context));
        Assert.Equal("IdempotentParameterMismatch", mismatch.Code);

        // A token names one task per account: another account starts its own.
        _host.Objects.AddBucket("other-bucket", Ec2TestHost.OtherAccount, Ec2TestHost.Region);
        var other = ImportImageRequests.Ova();
        other.ClientToken = "token-1";
        other.DiskContainers![0].UserBucket!.S3Bucket = "other-bucket";
        Assert.NotEqual(first.ImportTaskId, (await _host.ImportImage.ImportAsync(other, _host.OtherContext)).ImportTaskId);
    }

    [Fact]
    public async Task Cancel_of_a_pending_image_task_ends_it_deleted_and_a_second_cancel_is_refused()
    {
        var id = await ImportAsync(ImportImageRequests.TwoVmdks());

        var cancelled = await _host.CancelImportTask.CancelAsync(new CancelImportTaskRequest { ImportTaskId = id, CancelReason = "changed my mind" }, _host.Context);

        Assert.Equal((id, "active", "deleting"), (cancelled.ImportTaskId, cancelled.PreviousState, cancelled.State));
        var task = await DescribeOneAsync(id);
        Assert.Equal("deleted", task.Status);
        Assert.Equal("User initiated task cancelation", task.StatusMessage);
        Assert.Null(task.Progress);
        Assert.All(task.SnapshotDetails, d => Assert.Equal("deleted", d.Status));
        Assert.All(task.SnapshotDetails, d => Assert.Null(d.Progress));

        var again = await Assert.ThrowsAsync<Ec2Exception>(() => _host.CancelImportTask.CancelAsync(new CancelImportTaskRequest { ImportTaskId = id }, _host.Context));
        Assert.Equal("IncorrectState", again.Code);
        var unknown = await Assert.ThrowsAsync<Ec2Exception>(() => _host.CancelImportTask.CancelAsync(new CancelImportTaskRequest { ImportTaskId = "import-ami-0123456789abcdef0" }, _host.Context));
        Assert.Equal("InvalidConversionTaskId.Malformed", unknown.Code);
    }

    [Fact]
    public async Task A_worker_runs_an_image_task_and_a_missing_object_ends_it_with_the_documented_message()
    {
        var id = await ImportAsync();
        await _host.StartRunnerAsync();

        var deadline = DateTime.UtcNow.AddSeconds(15);
        var task = await DescribeOneAsync(id);
        while (task.Status == "active" && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
            task = await DescribeOneAsync(id);
        }

        Assert.Equal(("deleted", "ClientError: Disk validation failed [We do not have access to the given resource. Reason 404 Not Found]"), (task.Status, task.StatusMessage));
        Assert.Null(task.Progress);
        Assert.All(task.SnapshotDetails, d => Assert.Equal("deleted", d.Status));
        Assert.Null((await _host.Tasks.FindAsync(id))!.ClaimedBy);
    }
}

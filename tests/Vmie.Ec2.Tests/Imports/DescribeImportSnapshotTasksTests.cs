using Vmie.Ec2.Contracts.Common;
using Vmie.Ec2.Contracts.ImportSnapshots;
using Vmie.Ec2.Errors;
using Vmie.Ec2.Tests.TestDoubles;

namespace Vmie.Ec2.Tests.Imports;

public sealed class DescribeImportSnapshotTasksTests : IAsyncLifetime
{
    private Ec2TestHost _host = null!;

    public Task InitializeAsync()
    {
        _host = Ec2TestHost.Create(options => options.MaxActiveImportTasksPerRegion = 20);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private Task<DescribeImportSnapshotTasksResult> DescribeAsync(DescribeImportSnapshotTasksRequest request) =>
        _host.ImportSnapshot.DescribeAsync(request, _host.Context);

    private async Task<Ec2Exception> RejectAsync(DescribeImportSnapshotTasksRequest request) =>
        await Assert.ThrowsAsync<Ec2Exception>(() => DescribeAsync(request));

    private async Task<string> ImportTaggedAsync(string name)
    {
        var request = Ec2TestHost.RawRequest();
        request.TagSpecifications = [new TagSpecification { ResourceType = "import-snapshot-task", Tags = [new Tag { Key = "Name", Value = name }] }];
        return await _host.ImportAsync(request);
    }

    [Fact]
    public async Task Without_ids_every_task_of_the_caller_is_listed_in_creation_order()
    {
        var ids = new[] { await _host.ImportAsync(Ec2TestHost.RawRequest()), await _host.ImportAsync(Ec2TestHost.RawRequest()), await _host.ImportAsync(Ec2TestHost.RawRequest()) };

        var all = await DescribeAsync(new DescribeImportSnapshotTasksRequest());

        Assert.Equal(ids, all.ImportSnapshotTasks.Select(t => t.ImportTaskId));
        Assert.Null(all.NextToken);
        Assert.Empty((await _host.ImportSnapshot.DescribeAsync(new DescribeImportSnapshotTasksRequest(), _host.OtherContext)).ImportSnapshotTasks);
    }

    [Fact]
    public async Task Ids_select_tasks_and_an_unknown_or_foreign_id_is_an_error()
    {
        var first = await _host.ImportAsync(Ec2TestHost.RawRequest());
        var second = await _host.ImportAsync(Ec2TestHost.RawRequest());

        var one = await DescribeAsync(new DescribeImportSnapshotTasksRequest { ImportTaskIds = [second] });
        Assert.Equal(second, Assert.Single(one.ImportSnapshotTasks).ImportTaskId);

        var unknown = await RejectAsync(new DescribeImportSnapshotTasksRequest { ImportTaskIds = [first, "import-snap-0123456789abcdef0"] });
        Assert.Equal("InvalidConversionTaskId.Malformed", unknown.Code);
        Assert.Equal("The import task 'import-snap-0123456789abcdef0' does not exist.", unknown.Message);

        var malformed = await RejectAsync(new DescribeImportSnapshotTasksRequest { ImportTaskIds = ["import-ami-0123456789abcdef0"] });
        Assert.Equal("InvalidConversionTaskId.Malformed", malformed.Code);
        Assert.StartsWith("Invalid id", malformed.Message, StringComparison.Ordinal);

        var foreign = await Assert.ThrowsAsync<Ec2Exception>(() => _host.ImportSnapshot.DescribeAsync(new DescribeImportSnapshotTasksRequest { ImportTaskIds = [first] }, _host.OtherContext));
        Assert.Equal("InvalidConversionTaskId.Malformed", foreign.Code);
    }

    [Fact]
    public async Task The_task_state_filter_selects_by_status()
    {
        var active = await _host.ImportAsync(Ec2TestHost.RawRequest());
        var cancelled = await _host.ImportAsync(Ec2TestHost.RawRequest());
        await _host.CancelImportTask.CancelAsync(new CancelImportTaskRequest { ImportTaskId = cancelled }, _host.Context);

        static DescribeImportSnapshotTasksRequest State(params string[] values) => new() { Filters = [new Filter { Name = "task-state", Values = values.ToList() }] };

        Assert.Equal(cancelled, Assert.Single((await DescribeAsync(State("deleted"))).ImportSnapshotTasks).ImportTaskId);
        Assert.Equal(active, Assert.Single((await DescribeAsync(State("active"))).ImportSnapshotTasks).ImportTaskId);
        Assert.Equal(2, (await DescribeAsync(State("active", "deleted"))).ImportSnapshotTasks.Count);
        Assert.Empty((await DescribeAsync(State("completed"))).ImportSnapshotTasks);
        Assert.Equal(2, (await DescribeAsync(State("*e*"))).ImportSnapshotTasks.Count);
    }

    [Fact]
    public async Task Tag_filters_select_by_tag()
    {
        var web = await ImportTaggedAsync("web");
        await ImportTaggedAsync("db");
        await _host.ImportAsync(Ec2TestHost.RawRequest());

        var byValue = await DescribeAsync(new DescribeImportSnapshotTasksRequest { Filters = [new Filter { Name = "tag:Name", Values = ["web"] }] });
        var task = Assert.Single(byValue.ImportSnapshotTasks);
        Assert.Equal(web, task.ImportTaskId);
        Assert.Equal("web", Assert.Single(task.Tags).Value);

        var byKey = await DescribeAsync(new DescribeImportSnapshotTasksRequest { Filters = [new Filter { Name = "tag-key", Values = ["Name"] }] });
        Assert.Equal(2, byKey.ImportSnapshotTasks.Count);
    }

    [Fact]
    public async Task Unknown_or_empty_filters_are_refused()
    {
        Assert.Equal("InvalidParameterValue", (await RejectAsync(new DescribeImportSnapshotTasksRequest { Filters = [new Filter { Name = "status", Values = ["active"] }] })).Code);
        Assert.Equal("InvalidParameterValue", (await RejectAsync(new DescribeImportSnapshotTasksRequest { Filters = [new Filter { Name = "task-state", Values = [] }] })).Code);
        Assert.Equal("MissingParameter", (await RejectAsync(new DescribeImportSnapshotTasksRequest { Filters = [new Filter { Values = ["x"] }] })).Code);
    }

    [Fact]
    public async Task Pages_follow_each_other_without_gaps_or_repeats()
    {
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add(await _host.ImportAsync(Ec2TestHost.RawRequest()));
        }

        var seen = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var page = await DescribeAsync(new DescribeImportSnapshotTasksRequest { MaxResults = 2, NextToken = token });
            Assert.InRange(page.ImportSnapshotTasks.Count, 1, 2);
            seen.AddRange(page.ImportSnapshotTasks.Select(t => t.ImportTaskId!));
            token = page.NextToken;
            pages++;
        }
        while (token is not null);

        Assert.Equal(ids, seen);
        Assert.Equal(3, pages);
    }

    [Fact]
    public async Task A_filtered_last_page_has_no_token()
    {
        for (var i = 0; i < 3; i++)
        {
            await _host.ImportAsync(Ec2TestHost.RawRequest());
        }

        var exact = await DescribeAsync(new DescribeImportSnapshotTasksRequest { MaxResults = 3 });
        Assert.Equal(3, exact.ImportSnapshotTasks.Count);
        Assert.Null(exact.NextToken);
    }

    [Fact]
    public async Task Bad_tokens_and_page_sizes_are_refused()
    {
        Assert.Equal("InvalidNextToken", (await RejectAsync(new DescribeImportSnapshotTasksRequest { NextToken = "not a token" })).Code);
        Assert.Equal("InvalidNextToken", (await RejectAsync(new DescribeImportSnapshotTasksRequest { NextToken = Vmie.Ec2.Paging.PageToken.EncodeSequence("snapshots", 1) })).Code);
        Assert.Equal("InvalidParameterValue", (await RejectAsync(new DescribeImportSnapshotTasksRequest { MaxResults = 0 })).Code);
        Assert.Equal("InvalidParameterValue", (await RejectAsync(new DescribeImportSnapshotTasksRequest { MaxResults = 1001 })).Code);
    }

    [Fact]
    public async Task DryRun_answers_DryRunOperation()
    {
        var error = await RejectAsync(new DescribeImportSnapshotTasksRequest { DryRun = true });
        Assert.Equal(("DryRunOperation", 412), (error.Code, error.HttpStatus));
    }
}

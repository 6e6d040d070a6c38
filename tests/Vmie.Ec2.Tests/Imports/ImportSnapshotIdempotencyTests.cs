using Vmie.Ec2.Contracts.ImportSnapshots;
using Vmie.Ec2.Errors;
using Vmie.Ec2.Tests.TestDoubles;

namespace Vmie.Ec2.Tests.Imports;

public sealed class ImportSnapshotIdempotencyTests : IAsyncLifetime
{
    private Ec2TestHost _host = null!;

    public Task InitializeAsync()
    {
        _host = Ec2TestHost.Create();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private static ImportSnapshotRequest WithToken(string token, string key = "disk.raw")
    {
        var request = Ec2TestHost.RawRequest(key, description: "idempotent");
        request.ClientToken = token;
        return request;
    }

    private async Task<int> CountTasksAsync(Vmie.Ec2.Requests.Ec2RequestContext context) =>
        (await _host.ImportSnapshot.DescribeAsync(new DescribeImportSnapshotTasksRequest(), context)).ImportSnapshotTasks.Count;

    [Fact]
    public async Task The_same_token_and_parameters_return_the_same_task()
    {
        var first = await _host.ImportSnapshot.ImportAsync(WithToken("token-1"), _host.Context);
        var second = await _host.ImportSnapshot.ImportAsync(WithToken("token-1"), _host.Context);

        Assert.Equal(first.ImportTaskId, second.ImportTaskId);
        Assert.Equal(1, await CountTasksAsync(_host.Context));
    }

    [Fact]
    public async Task The_same_token_with_other_parameters_is_a_mismatch()
    {
        await _host.ImportSnapshot.ImportAsync(WithToken("token-1"), _host.Context);

        var error = await Assert.ThrowsAsync<Ec2Exception>(() => _host.ImportSnapshot.ImportAsync(WithToken("token-1", "other.raw"), _host.Context));

        Assert.Equal("IdempotentParameterMismatch", error.Code);
        Assert.Equal(1, await CountTasksAsync(_host.Context));
    }

    [Fact]
    public async Task Tokens_belong_to_an_account()
    {
        _host.Objects.AddBucket("other-bucket", Ec2TestHost.OtherAccount, Ec2TestHost.Region);
        var mine = await _host.ImportSnapshot.ImportAsync(WithToken("shared-token"), _host.Context);
        var request = WithToken("shared-token");
        request.DiskContainer!.UserBucket!.S3Bucket = "other-bucket";

        var theirs = await _host.ImportSnapshot.ImportAsync(request, _host.OtherContext);

        Assert.NotEqual(mine.ImportTaskId, theirs.ImportTaskId);
    }

    [Fact]
    public async Task A_retry_returns_the_task_in_its_current_state_even_when_the_source_has_changed_since()
    {
        var first = await _host.ImportSnapshot.ImportAsync(WithToken("token-1"), _host.Context);
        await _host.CancelImportTask.CancelAsync(new CancelImportTaskRequest { ImportTaskId = first.ImportTaskId }, _host.Context);
        _host.Objects.RemoveBucket(Ec2TestHost.Bucket);

        var retry = await _host.ImportSnapshot.ImportAsync(WithToken("token-1"), _host.Context);

        Assert.Equal(first.ImportTaskId, retry.ImportTaskId);
        Assert.Equal("deleted", retry.SnapshotTaskDetail!.Status);
    }

    [Fact]
    public async Task Without_a_token_every_request_creates_a_task()
    {
        await _host.ImportAsync(Ec2TestHost.RawRequest());
        await _host.ImportAsync(Ec2TestHost.RawRequest());
        Assert.Equal(2, await CountTasksAsync(_host.Context));
    }
}

using Vmie.Ec2.Contracts.Common;
using Vmie.Ec2.Contracts.ImportSnapshots;
using Vmie.Ec2.Contracts.Tags;
using Vmie.Ec2.Errors;
using Vmie.Ec2.Tests.TestDoubles;

namespace Vmie.Ec2.Tests.Tags;

public sealed class TagServiceTests : IAsyncLifetime
{
    private Ec2TestHost _host = null!;
    private string _snapshot = null!;
    private string _task = null!;

    public async Task InitializeAsync()
    {
        _host = Ec2TestHost.Create();
        _snapshot = (await SnapshotRowFactory.InsertAsync(_host)).Id;
        _task = await _host.ImportAsync(Ec2TestHost.RawRequest());
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private Task CreateAsync(IEnumerable<string> resources, params (string Key, string? Value)[] tags) =>
        _host.TagService.CreateAsync(new CreateTagsRequest { Resources = resources.ToList(), Tags = tags.Select(t => new Tag { Key = t.Key, Value = t.Value }).ToList() }, _host.Context);

    private Task DeleteAsync(IEnumerable<string> resources, params (string Key, string? Value)[] tags) =>
        _host.TagService.DeleteAsync(new DeleteTagsRequest { Resources = resources.ToList(), Tags = tags.Length == 0 ? null : tags.Select(t => new Tag { Key = t.Key, Value = t.Value }).ToList() }, _host.Context);

    private async Task<List<(string?, string?, string?, string?)>> DescribeAsync(params (string Name, string Value)[] filters)
    {
        var result = await _host.TagService.DescribeAsync(
            new DescribeTagsRequest { Filters = filters.Length == 0 ? null : filters.Select(f => new Filter { Name = f.Name, Values = [f.Value] }).ToList() },
            _host.Context);
        return result.Tags.Select(t => (t.ResourceId, t.ResourceType, t.Key, t.Value)).ToList();
    }

    [Fact]
    public async Task Tags_are_created_on_snapshots_and_import_tasks_and_overwritten_by_key()
    {
        await CreateAsync([_snapshot, _task], ("Name", "first"), ("empty", null));
        await CreateAsync([_snapshot], ("Name", "second"));

        var tags = await DescribeAsync();

        Assert.Contains((_snapshot, "snapshot", "Name", "second"), tags);
        Assert.Contains((_snapshot, "snapshot", "empty", ""), tags);
        Assert.Contains((_task, "import-snapshot-task", "Name", "first"), tags);
        Assert.Equal(4, tags.Count);
        var task = await _host.DescribeTaskAsync(_task);
        Assert.Equal(["Name", "empty"], task.Tags.Select(t => t.Key));
    }

    [Fact]
    public async Task DescribeTags_filters_on_key_value_resource_and_type()
    {
        await CreateAsync([_snapshot], ("Name", "root"), ("team", "web"));
        await CreateAsync([_task], ("Name", "import"));

        Assert.Equal(2, (await DescribeAsync(("key", "Name"))).Count);
        Assert.Equal([(_snapshot, "snapshot", "team", "web")], await DescribeAsync(("value", "w*")));
        Assert.Equal(2, (await DescribeAsync(("resource-id", _snapshot))).Count);
        Assert.Equal([(_task, "import-snapshot-task", "Name", "import")], await DescribeAsync(("resource-type", "import-snapshot-task")));
        Assert.Equal([(_snapshot, "snapshot", "Name", "root")], await DescribeAsync(("tag:Name", "root")));
        var error = await Assert.ThrowsAsync<Ec2Exception>(() => DescribeAsync(("tag-key", "Name")));
        Assert.Equal("InvalidParameterValue", error.Code);
    }

    [Fact]
    public async Task DescribeTags_pages_in_resource_and_key_order()
    {
        await CreateAsync([_snapshot, _task], Enumerable.Range(0, 6).Select(i => ($"key{i}", (string?)"v")).ToArray());

        var seen = new List<(string?, string?)>();
        string? token = null;
        do
        {
            var page = await _host.TagService.DescribeAsync(new DescribeTagsRequest { MaxResults = 5, NextToken = token }, _host.Context);
            seen.AddRange(page.Tags.Select(t => (t.ResourceId, t.Key)));
            token = page.NextToken;
        }
        while (token is not null);

        Assert.Equal(12, seen.Count);
        Assert.Equal(seen.OrderBy(t => t.Item1, StringComparer.Ordinal).ThenBy(t => t.Item2, StringComparer.Ordinal), seen);
        Assert.Equal(12, seen.Distinct().Count());

        var badSize = await Assert.ThrowsAsync<Ec2Exception>(() => _host.TagService.DescribeAsync(new DescribeTagsRequest { MaxResults = 4 }, _host.Context));
        Assert.Equal("InvalidParameterValue", badSize.Code);
        var badToken = await Assert.ThrowsAsync<Ec2Exception>(() => _host.TagService.DescribeAsync(new DescribeTagsRequest { NextToken = "!!" }, _host.Context));
        Assert.Equal("InvalidNextToken", badToken.Code);
    }

    [Fact]
    public async Task Tags_of_other_accounts_are_invisible_and_their_resources_unknown()
    {
        await CreateAsync([_snapshot], ("Name", "mine"));

        Assert.Empty((await _host.TagService.DescribeAsync(new DescribeTagsRequest(), _host.OtherContext)).Tags);
        var error = await Assert.ThrowsAsync<Ec2Exception>(() =>
            _host.TagService.CreateAsync(new CreateTagsRequest { Resources = [_snapshot], Tags = [new Tag { Key = "x", Value = "y" }] }, _host.OtherContext));
        Assert.Equal("InvalidSnapshot.NotFound", error.Code);
    }

    [Theory]
    [InlineData("snap-0123456789abcdef0", "InvalidSnapshot.NotFound")]
    [InlineData("import-snap-0123456789abcdef0", "InvalidConversionTaskId.Malformed")]
    [InlineData("vol-0123456789abcdef0", "InvalidVolume.NotFound")]
    [InlineData("ami-0123456789abcdef0", "InvalidAMIID.NotFound")]
    [InlineData("snap-123", "InvalidSnapshotID.Malformed")]
    [InlineData("sg-0123456789abcdef0", "InvalidID")]
    public async Task An_unknown_or_bad_resource_fails_the_whole_request(string resource, string code)
    {
        var error = await Assert.ThrowsAsync<Ec2Exception>(() => CreateAsync([_snapshot, resource], ("Name", "x")));

        Assert.Equal(code, error.Code);
        Assert.Empty(await DescribeAsync());
        Assert.Equal(code, (await Assert.ThrowsAsync<Ec2Exception>(() => DeleteAsync([resource]))).Code);
    }

    [Fact]
    public async Task A_resource_cannot_have_more_than_50_tags_and_a_failure_writes_nothing()
    {
        await CreateAsync([_snapshot], Enumerable.Range(0, 50).Select(i => ($"k{i}", (string?)"v")).ToArray());
        await CreateAsync([_snapshot], ("k0", "overwrite is fine at the limit"));

        var error = await Assert.ThrowsAsync<Ec2Exception>(() => CreateAsync([_task, _snapshot], ("one-more", "v")));

        Assert.Equal("TagLimitExceeded", error.Code);
        Assert.Contains(_snapshot, error.Message, StringComparison.Ordinal);
        Assert.Empty(await DescribeAsync(("resource-id", _task)));
        Assert.Equal(50, (await DescribeAsync(("resource-id", _snapshot))).Count);
    }

    [Fact]
    public async Task Tag_keys_and_values_follow_EC2s_rules()
    {
        async Task<string> CodeAsync(CreateTagsRequest request) =>
            (await Assert.ThrowsAsync<Ec2Exception>(() => _host.TagService.CreateAsync(request, _host.Context))).Code;

        Assert.Equal("InvalidParameterValue", await CodeAsync(new CreateTagsRequest { Resources = [_snapshot], Tags = [new Tag { Key = "aws:cloudformation", Value = "x" }] }));
        Assert.Equal("InvalidParameterValue", await CodeAsync(new CreateTagsRequest { Resources = [_snapshot], Tags = [new Tag { Key = new string('k', 129) }] }));
        Assert.Equal("InvalidParameterValue", await CodeAsync(new CreateTagsRequest { Resources = [_snapshot], Tags = [new Tag { Key = "k", Value = new string('v', 257) }] }));
        Assert.Equal("MissingParameter", await CodeAsync(new CreateTagsRequest { Resources = [_snapshot] }));
        Assert.Equal("MissingParameter", await CodeAsync(new CreateTagsRequest { Tags = [new Tag { Key = "k" }] }));
        Assert.Equal("TagLimitExceeded", await CodeAsync(new CreateTagsRequest { Resources = [_snapshot], Tags = Enumerable.Range(0, 51).Select(i => new Tag { Key = $"k{i}" }).ToList() }));

        // Characters, not UTF-16 units, are counted: 128 emoji make a valid key.
        await CreateAsync([_snapshot], (string.Concat(Enumerable.Repeat("😀", 128)), "v"));
        Assert.Single(await DescribeAsync());
    }

    [Fact]
    public async Task DeleteTags_by_key_by_key_and_value_or_all()
    {
        await CreateAsync([_snapshot], ("a", "1"), ("b", "2"), ("c", ""), ("d", "4"));

        await DeleteAsync([_snapshot], ("a", null));
        await DeleteAsync([_snapshot], ("b", "not-2"));
        await DeleteAsync([_snapshot], ("c", ""));
        Assert.Equal(["b", "d"], (await DescribeAsync()).Select(t => t.Item3));

        await DeleteAsync([_snapshot]);
        Assert.Empty(await DescribeAsync());
    }

    [Fact]
    public async Task Deleting_reserved_keys_is_refused()
    {
        var error = await Assert.ThrowsAsync<Ec2Exception>(() => DeleteAsync([_snapshot], ("aws:x", null)));
        Assert.Equal("InvalidParameterValue", error.Code);
    }

    [Fact]
    public async Task DryRun_checks_the_resources_then_answers_DryRunOperation()
    {
        var dry = await Assert.ThrowsAsync<Ec2Exception>(() =>
            _host.TagService.CreateAsync(new CreateTagsRequest { Resources = [_snapshot], Tags = [new Tag { Key = "k" }], DryRun = true }, _host.Context));
        Assert.Equal("DryRunOperation", dry.Code);
        Assert.Empty(await DescribeAsync());

        var missing = await Assert.ThrowsAsync<Ec2Exception>(() =>
            _host.TagService.DeleteAsync(new DeleteTagsRequest { Resources = ["snap-0123456789abcdef0"], DryRun = true }, _host.Context));
        Assert.Equal("InvalidSnapshot.NotFound", missing.Code);
    }

    [Fact]
    public async Task Cancelled_tasks_keep_their_tags()
    {
        await CreateAsync([_task], ("Name", "keep"));
        await _host.CancelImportTask.CancelAsync(new CancelImportTaskRequest { ImportTaskId = _task }, _host.Context);
        Assert.Single(await DescribeAsync(("resource-id", _task)));
    }
}

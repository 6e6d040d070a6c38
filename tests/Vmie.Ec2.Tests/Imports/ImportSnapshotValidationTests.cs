using Vmie.Ec2.Contracts.Common;
using Vmie.Ec2.Contracts.ImportSnapshots;
using Vmie.Ec2.Errors;
using Vmie.Ec2.Imports;
using Vmie.Ec2.Tests.TestDoubles;

namespace Vmie.Ec2.Tests.Imports;

public sealed class ImportSnapshotValidationTests : IAsyncLifetime
{
    private Ec2TestHost _host = null!;

    public Task InitializeAsync()
    {
        _host = Ec2TestHost.Create(options => options.MaxActiveImportTasksPerRegion = 2);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task<Ec2Exception> RejectAsync(ImportSnapshotRequest request, string code, int httpStatus = 400)
    {
        var error = await Assert.ThrowsAsync<Ec2Exception>(() => _host.ImportSnapshot.ImportAsync(request, _host.Context));
        Assert.Equal(code, error.Code);
        Assert.Equal(httpStatus, error.HttpStatus);
        return error;
    }

    private async Task AssertNoTaskCreatedAsync()
    {
        var all = await _host.ImportSnapshot.DescribeAsync(new DescribeImportSnapshotTasksRequest(), _host.Context);
        Assert.Empty(all.ImportSnapshotTasks);
    }

    [Fact]
    public async Task A_valid_request_answers_with_a_pending_task_as_AWS_shows_it()
    {
        var request = Ec2TestHost.RawRequest(description: "My server");
        request.DiskContainer!.Description = "My disk";
        request.TagSpecifications = [new TagSpecification { ResourceType = "import-snapshot-task", Tags = [new Tag { Key = "Name", Value = "first" }] }];

        var result = await _host.ImportSnapshot.ImportAsync(request, _host.Context);

        Assert.Matches("^import-snap-[0-9a-f]{17}$", result.ImportTaskId);
        Assert.Equal("My server", result.Description);
        var detail = result.SnapshotTaskDetail!;
        Assert.Equal("active", detail.Status);
        Assert.Equal("pending", detail.StatusMessage);
        Assert.Equal("3", detail.Progress);
        Assert.Equal(0.0, detail.DiskImageSize);
        Assert.Equal("RAW", detail.Format);
        Assert.Equal("My disk", detail.Description);
        Assert.False(detail.Encrypted);
        Assert.Null(detail.SnapshotId);
        Assert.Null(detail.Url);
        Assert.Equal(Ec2TestHost.Bucket, detail.UserBucket!.S3Bucket);
        Assert.Equal("disk.raw", detail.UserBucket.S3Key);
        var tag = Assert.Single(result.Tags);
        Assert.Equal(("Name", "first"), (tag.Key, tag.Value));
    }

    [Fact]
    public async Task The_role_encryption_key_and_client_data_are_recorded()
    {
        var request = Ec2TestHost.RawRequest();
        request.Encrypted = true;
        request.KmsKeyId = "alias/my-key";
        request.ClientData = new ClientData { Comment = "uploaded by ci", UploadSize = 1.5 };

        var id = (await _host.ImportSnapshot.ImportAsync(request, _host.Context)).ImportTaskId!;

        var stored = ImportSnapshotParameters.FromJson((await _host.Tasks.FindAsync(id))!.RequestJson);
        Assert.Equal("vmimport", stored.RoleName);
        Assert.True(stored.Encrypted);
        Assert.Equal("alias/my-key", stored.KmsKeyId);
        Assert.Equal("uploaded by ci", stored.ClientComment);
        Assert.Equal(1.5, stored.ClientUploadSize);
        var detail = (await _host.DescribeTaskAsync(id)).SnapshotTaskDetail!;
        Assert.True(detail.Encrypted);
        Assert.Equal("alias/my-key", detail.KmsKeyId);

        request.RoleName = "my-import-role";
        request.ClientToken = "other";
        var custom = (await _host.ImportSnapshot.ImportAsync(request, _host.Context)).ImportTaskId!;
        Assert.Equal("my-import-role", ImportSnapshotParameters.FromJson((await _host.Tasks.FindAsync(custom))!.RequestJson).RoleName);
    }

    [Fact]
    public async Task A_missing_disk_container_is_a_missing_parameter()
    {
        var error = await RejectAsync(new ImportSnapshotRequest(), "MissingParameter");
        Assert.Contains("DiskContainer", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_format_is_a_missing_parameter()
    {
        var request = Ec2TestHost.RawRequest();
        request.DiskContainer!.Format = null;
        var error = await RejectAsync(request, "MissingParameter");
        Assert.Contains("DiskContainer.Format", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OVA_is_refused_with_a_pointer_to_ImportImage()
    {
        var request = Ec2TestHost.RawRequest();
        request.DiskContainer!.Format = "ova";
        var error = await RejectAsync(request, "InvalidParameterValue");
        Assert.Contains("OVA", error.Message, StringComparison.Ordinal);
        Assert.Contains("ImportImage", error.Message, StringComparison.Ordinal);
        await AssertNoTaskCreatedAsync();
    }

    [Fact]
    public async Task An_unknown_format_is_named_with_the_valid_ones()
    {
        var request = Ec2TestHost.RawRequest();
        request.DiskContainer!.Format = "qcow2";
        var error = await RejectAsync(request, "InvalidParameterValue");
        Assert.Contains("qcow2", error.Message, StringComparison.Ordinal);
        Assert.Contains("VHD, VHDX, VMDK, RAW", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("vmdk", "VMDK")]
    [InlineData("VHD", "VHD")]
    [InlineData("Vhdx", "VHDX")]
    [InlineData("raw", "RAW")]
    public async Task Every_ImportSnapshot_format_is_accepted_whatever_its_case_and_echoed_upper_case(string format, string named)
    {
        var request = Ec2TestHost.RawRequest();
        request.DiskContainer!.Format = format;

        var result = await _host.ImportSnapshot.ImportAsync(request, _host.Context);

        Assert.Equal(named, result.SnapshotTaskDetail!.Format);
        Assert.Equal("active", result.SnapshotTaskDetail.Status);
    }

    [Fact]
    public async Task Url_and_UserBucket_together_are_an_invalid_combination()
    {
        var request = Ec2TestHost.RawRequest();
        request.DiskContainer!.Url = $"s3://{Ec2TestHost.Bucket}/disk.raw";
        await RejectAsync(request, "InvalidParameterCombination");
    }

    [Fact]
    public async Task Neither_Url_nor_UserBucket_is_a_missing_parameter()
    {
        var request = Ec2TestHost.RawRequest();
        request.DiskContainer!.UserBucket = null;
        await RejectAsync(request, "MissingParameter");
    }

    [Fact]
    public async Task UserBucket_needs_a_bucket_and_a_key()
    {
        var noBucket = Ec2TestHost.RawRequest();
        noBucket.DiskContainer!.UserBucket!.S3Bucket = null;
        Assert.Contains("S3Bucket", (await RejectAsync(noBucket, "MissingParameter")).Message, StringComparison.Ordinal);

        var noKey = Ec2TestHost.RawRequest();
        noKey.DiskContainer!.UserBucket!.S3Key = "";
        Assert.Contains("S3Key", (await RejectAsync(noKey, "MissingParameter")).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("s3://import-bucket")]
    [InlineData("s3://import-bucket/")]
    [InlineData("s3:///disk.raw")]
    [InlineData("ftp://vmie.test/import-bucket/disk.raw")]
    [InlineData("just-a-key.raw")]
    public async Task A_malformed_url_is_an_invalid_value(string url)
    {
        var request = Ec2TestHost.RawRequest();
        request.DiskContainer!.UserBucket = null;
        request.DiskContainer.Url = url;
        var error = await RejectAsync(request, "InvalidParameterValue");
        Assert.StartsWith("Invalid S3 source location", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_s3_url_names_the_bucket_and_key_and_is_echoed()
    {
        var request = Ec2TestHost.RawRequest();
        request.DiskContainer!.UserBucket = null;
        request.DiskContainer.Url = $"s3://{Ec2TestHost.Bucket}/vms/disk.raw";

        var result = await _host.ImportSnapshot.ImportAsync(request, _host.Context);

        Assert.Equal($"s3://{Ec2TestHost.Bucket}/vms/disk.raw", result.SnapshotTaskDetail!.Url);
        Assert.Null(result.SnapshotTaskDetail.UserBucket);
        var stored = await _host.Tasks.FindAsync(result.ImportTaskId!);
        Assert.Equal((Ec2TestHost.Bucket, "vms/disk.raw"), (stored!.SourceBucket, stored.SourceKey));
    }

    [Fact]
    public async Task An_https_url_is_resolved_and_echoed_without_its_secret_query_string()
    {
        var request = Ec2TestHost.RawRequest();
        request.DiskContainer!.UserBucket = null;
        request.DiskContainer.Url = $"https://{TestImportSourceResolver.Host}/{Ec2TestHost.Bucket}/disk.raw?X-Amz-Signature=secret&X-Amz-Credential=AKID";

        var result = await _host.ImportSnapshot.ImportAsync(request, _host.Context);

        Assert.Equal($"https://{TestImportSourceResolver.Host}/{Ec2TestHost.Bucket}/disk.raw", result.SnapshotTaskDetail!.Url);
        var stored = await _host.Tasks.FindAsync(result.ImportTaskId!);
        Assert.Equal((Ec2TestHost.Bucket, "disk.raw"), (stored!.SourceBucket, stored.SourceKey));
        Assert.DoesNotContain("secret", stored.RequestJson, StringComparison.Ordinal);
        Assert.Single(_host.Resolver.Resolved);
    }

    [Fact]
    public async Task User_info_in_an_https_url_is_never_echoed()
    {
        var request = Ec2TestHost.RawRequest();
        request.DiskContainer!.UserBucket = null;
        request.DiskContainer.Url = $"https://user:password@{TestImportSourceResolver.Host}/{Ec2TestHost.Bucket}/disk.raw#fragment";

        var result = await _host.ImportSnapshot.ImportAsync(request, _host.Context);

        Assert.Equal($"https://{TestImportSourceResolver.Host}/{Ec2TestHost.Bucket}/disk.raw", result.SnapshotTaskDetail!.Url);
        Assert.DoesNotContain("password", (await _host.Tasks.FindAsync(result.ImportTaskId!))!.RequestJson, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_url_the_resolver_refuses_fails_with_its_error()
    {
        var request = Ec2TestHost.RawRequest();
        request.DiskContainer!.UserBucket = null;
        request.DiskContainer.Url = "https://elsewhere.example/bucket/disk.raw?sig=1";
        var error = await RejectAsync(request, "InvalidParameter");
        Assert.DoesNotContain("sig=1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KmsKeyId_without_Encrypted_is_an_invalid_combination()
    {
        var request = Ec2TestHost.RawRequest();
        request.KmsKeyId = "alias/key";
        await RejectAsync(request, "InvalidParameterCombination");
        request.Encrypted = false;
        await RejectAsync(request, "InvalidParameterCombination");
    }

    [Fact]
    public async Task Tags_may_only_target_the_import_snapshot_task()
    {
        var request = Ec2TestHost.RawRequest();
        request.TagSpecifications = [new TagSpecification { ResourceType = "snapshot", Tags = [new Tag { Key = "a", Value = "b" }] }];
        var error = await RejectAsync(request, "InvalidParameterValue");
        Assert.Contains("'snapshot' is not a valid taggable resource type", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tag_limits_are_those_of_EC2()
    {
        static ImportSnapshotRequest With(params Tag[] tags)
        {
            var request = Ec2TestHost.RawRequest();
            request.TagSpecifications = [new TagSpecification { ResourceType = "import-snapshot-task", Tags = tags.ToList() }];
            return request;
        }

        await RejectAsync(With(Enumerable.Range(0, 51).Select(i => new Tag { Key = $"k{i}", Value = "v" }).ToArray()), "TagLimitExceeded");
        await RejectAsync(With(new Tag { Key = "aws:reserved", Value = "v" }), "InvalidParameterValue");
        await RejectAsync(With(new Tag { Key = "AWS:Reserved", Value = "v" }), "InvalidParameterValue");
        await RejectAsync(With(new Tag { Key = new string('k', 129), Value = "v" }), "InvalidParameterValue");
        await RejectAsync(With(new Tag { Key = "k", Value = new string('v', 257) }), "InvalidParameterValue");
        await RejectAsync(With(new Tag { Key = "", Value = "v" }), "InvalidParameterValue");
        await RejectAsync(With(new Tag { Key = "k", Value = "1" }, new Tag { Key = "k", Value = "2" }), "InvalidParameterValue");

        var atLimit = With(Enumerable.Range(0, 49).Select(i => new Tag { Key = $"k{i}", Value = new string('v', 256) }).Append(new Tag { Key = new string('k', 128) }).ToArray());
        var result = await _host.ImportSnapshot.ImportAsync(atLimit, _host.Context);
        Assert.Equal(50, result.Tags.Count);
        Assert.Equal("", result.Tags.Single(t => t.Key!.Length == 128).Value);
    }

    [Fact]
    public async Task A_bucket_that_does_not_exist_or_is_not_the_callers_is_an_invalid_source_location()
    {
        var missing = Ec2TestHost.RawRequest();
        missing.DiskContainer!.UserBucket!.S3Bucket = "no-such-bucket";
        Assert.StartsWith("Invalid S3 source location", (await RejectAsync(missing, "InvalidParameter")).Message, StringComparison.Ordinal);

        _host.Objects.AddBucket("someone-elses", Ec2TestHost.OtherAccount, Ec2TestHost.Region);
        var foreign = Ec2TestHost.RawRequest();
        foreign.DiskContainer!.UserBucket!.S3Bucket = "someone-elses";
        Assert.StartsWith("Invalid S3 source location", (await RejectAsync(foreign, "InvalidParameter")).Message, StringComparison.Ordinal);
        await AssertNoTaskCreatedAsync();
    }

    [Fact]
    public async Task A_bucket_in_another_region_is_not_local_to_the_region()
    {
        _host.Objects.AddBucket("in-ireland", Ec2TestHost.Account, "eu-west-1");
        var request = Ec2TestHost.RawRequest();
        request.DiskContainer!.UserBucket!.S3Bucket = "in-ireland";
        var error = await RejectAsync(request, "InvalidParameter");
        Assert.StartsWith("The given S3 bucket is not local to the region", error.Message, StringComparison.Ordinal);
        Assert.Contains("eu-west-1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_key_is_not_refused_at_once()
    {
        var result = await _host.ImportSnapshot.ImportAsync(Ec2TestHost.RawRequest("not-uploaded.raw"), _host.Context);
        Assert.Equal("active", result.SnapshotTaskDetail!.Status);
    }

    [Fact]
    public async Task DryRun_validates_everything_then_answers_DryRunOperation_without_creating_a_task()
    {
        var request = Ec2TestHost.RawRequest();
        request.DryRun = true;
        await RejectAsync(request, "DryRunOperation", 412);
        await AssertNoTaskCreatedAsync();

        request.DiskContainer!.UserBucket!.S3Bucket = "no-such-bucket";
        await RejectAsync(request, "InvalidParameter");
    }

    [Fact]
    public async Task The_number_of_active_tasks_per_region_is_limited()
    {
        await _host.ImportAsync(Ec2TestHost.RawRequest("a.raw"));
        var second = await _host.ImportAsync(Ec2TestHost.RawRequest("b.raw"));
        var error = await RejectAsync(Ec2TestHost.RawRequest("c.raw"), "ResourceLimitExceeded");
        Assert.Contains("2", error.Message, StringComparison.Ordinal);

        // Other accounts have their own limit, and an ended task frees a place.
        _host.Objects.AddBucket("other-bucket", Ec2TestHost.OtherAccount, Ec2TestHost.Region);
        var other = Ec2TestHost.RawRequest();
        other.DiskContainer!.UserBucket!.S3Bucket = "other-bucket";
        await _host.ImportSnapshot.ImportAsync(other, _host.OtherContext);

        await _host.CancelImportTask.CancelAsync(new CancelImportTaskRequest { ImportTaskId = second }, _host.Context);
        await _host.ImportAsync(Ec2TestHost.RawRequest("c.raw"));
    }

    [Theory]
    [InlineData("RoleName", "bad role name")]
    [InlineData("ClientToken", "token-that-is-far-too-long-for-ec2-because-it-has-more-than-sixty-four-characters")]
    [InlineData("Description", null)]
    public async Task Bad_names_tokens_and_overlong_texts_are_invalid_values(string parameter, string? value)
    {
        var request = Ec2TestHost.RawRequest();
        switch (parameter)
        {
            case "RoleName":
                request.RoleName = value;
                break;
            case "ClientToken":
                request.ClientToken = value;
                break;
            default:
                request.Description = new string('d', 256);
                break;
        }

        var error = await RejectAsync(request, "InvalidParameterValue");
        Assert.Contains(parameter, error.Message, StringComparison.Ordinal);
    }
}

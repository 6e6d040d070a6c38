using System.Net;
using System.Xml.Linq;
using Amazon.EC2;
using Amazon.EC2.Model;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Vmie.Cli.Tests.Infrastructure;

namespace Vmie.Cli.Tests.EndToEnd;

/// <summary>
/// Bad requests against a real server: each gets the error AWS documents for it, in the protocol's own
/// envelope, and nothing is written.
/// </summary>
public sealed class BadInputTests : IAsyncLifetime
{
    private readonly TemporaryDirectory _work = new();
    private VmieServerProcess _server = null!;
    private readonly HttpClient _http = new();

    public async Task InitializeAsync()
    {
        _server = await VmieServerProcess.StartAsync(_work.File("data"));
        using var s3 = AwsClients.S3(_server);
        await s3.PutBucketAsync(new PutBucketRequest { BucketName = "import-bucket" });
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _http.Dispose();
        _work.Dispose();
    }

    [Fact]
    public async Task Unsigned_ec2_request_gets_AuthFailure_in_the_ec2_envelope()
    {
        using var response = await _http.PostAsync(_server.Endpoint, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Action"] = "DescribeSnapshots",
            ["Version"] = "2016-11-15",
        }));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var (code, requestId) = Ec2Error(await response.Content.ReadAsStringAsync());
        Assert.Equal("AuthFailure", code);
        Assert.False(string.IsNullOrEmpty(requestId));
    }

    [Fact]
    public async Task Unsigned_s3_request_gets_AccessDenied_and_writes_nothing()
    {
        using var response = await _http.PutAsync(new Uri(_server.Endpoint, "/import-bucket/sneaky"), new ByteArrayContent([1, 2, 3]));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("AccessDenied", XDocument.Parse(await response.Content.ReadAsStringAsync()).Root!.Element("Code")!.Value);
        await AssertBucketEmptyAsync();
    }

    [Fact]
    public async Task Wrong_secret_gets_AuthFailure_from_ec2_and_SignatureDoesNotMatch_from_s3()
    {
        var wrong = new BasicAWSCredentials(_server.AccessKeyId, "not-the-secret-at-all-0000000000000000000");
        using var ec2 = new AmazonEC2Client(wrong, new AmazonEC2Config { ServiceURL = _server.Endpoint.ToString(), AuthenticationRegion = _server.Region, MaxErrorRetry = 0 });
        using var s3 = new AmazonS3Client(wrong, new AmazonS3Config { ServiceURL = _server.Endpoint.ToString(), ForcePathStyle = true, AuthenticationRegion = _server.Region, MaxErrorRetry = 0 });

        var ec2Error = await Assert.ThrowsAsync<AmazonEC2Exception>(() => ec2.DescribeSnapshotsAsync(new DescribeSnapshotsRequest()));
        Assert.Equal("AuthFailure", ec2Error.ErrorCode);

        var s3Error = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.PutObjectAsync(new PutObjectRequest { BucketName = "import-bucket", Key = "x", ContentBody = "data" }));
        Assert.Equal("SignatureDoesNotMatch", s3Error.ErrorCode);
        await AssertBucketEmptyAsync();
    }

    [Fact]
    public async Task Unknown_access_key_gets_AuthFailure()
    {
        using var ec2 = new AmazonEC2Client(new BasicAWSCredentials("AKIAUNKNOWNUNKNOWN00", "whatever-secret-whatever-secret-00000000"), new AmazonEC2Config { ServiceURL = _server.Endpoint.ToString(), AuthenticationRegion = _server.Region, MaxErrorRetry = 0 });
        var error = await Assert.ThrowsAsync<AmazonEC2Exception>(() => ec2.DescribeSnapshotsAsync(new DescribeSnapshotsRequest()));
        Assert.Equal("AuthFailure", error.ErrorCode);
    }

    [Fact]
    public async Task Clock_skew_over_fifteen_minutes_gets_RequestExpired()
    {
        using var request = SignedRawRequest.Ec2Form(_server, "Action=DescribeSnapshots&Version=2016-11-15", signedAt: DateTime.UtcNow.AddMinutes(-16));
        using var response = await _http.SendAsync(request);
        Assert.Equal("RequestExpired", Ec2Error(await response.Content.ReadAsStringAsync()).Code);
    }

    [Fact]
    public async Task Signed_request_within_the_allowed_skew_succeeds()
    {
        using var request = SignedRawRequest.Ec2Form(_server, "Action=DescribeSnapshots&Version=2016-11-15&Owner.1=self", signedAt: DateTime.UtcNow.AddMinutes(-10));
        using var response = await _http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        Assert.Equal("DescribeSnapshotsResponse", XDocument.Parse(body).Root!.Name.LocalName);
    }

    [Theory]
    [InlineData("Action=ExplodeEverything&Version=2016-11-15", "InvalidAction")]
    [InlineData("Version=2016-11-15", "MissingAction")]
    [InlineData("Action=DescribeImportSnapshotTasks&Version=2016-11-15&MaxResults=abc", "InvalidParameterValue")]
    [InlineData("Action=DescribeImportSnapshotTasks&Version=2016-11-15&Bogus=1", "UnknownParameter")]
    [InlineData("Action=ImportSnapshot&Version=2016-11-15", "MissingParameter")]
    [InlineData("Action=ImportSnapshot&Version=2016-11-15&DiskContainer.Format=QCOW2&DiskContainer.UserBucket.S3Bucket=import-bucket&DiskContainer.UserBucket.S3Key=k", "InvalidParameterValue")]
    [InlineData("Action=ImportSnapshot&Version=2016-11-15&DiskContainer.Format=OVA&DiskContainer.UserBucket.S3Bucket=import-bucket&DiskContainer.UserBucket.S3Key=k", "InvalidParameterValue")]
    [InlineData("Action=ImportSnapshot&Version=2016-11-15&DiskContainer.Format=RAW&DiskContainer.Url=s3://import-bucket/k&DiskContainer.UserBucket.S3Bucket=import-bucket&DiskContainer.UserBucket.S3Key=k", "InvalidParameterCombination")]
    [InlineData("Action=ImportSnapshot&Version=2016-11-15&DiskContainer.Format=RAW&DiskContainer.UserBucket.S3Bucket=no-such-bucket&DiskContainer.UserBucket.S3Key=k", "InvalidParameter")]
    [InlineData("Action=ImportSnapshot&Version=2016-11-15&DryRun=true&DiskContainer.Format=RAW&DiskContainer.UserBucket.S3Bucket=import-bucket&DiskContainer.UserBucket.S3Key=k", "DryRunOperation")]
    [InlineData("Action=DeleteSnapshot&Version=2016-11-15&SnapshotId=snap-0123456789abcdef0", "InvalidSnapshot.NotFound")]
    [InlineData("Action=CancelImportTask&Version=2016-11-15&ImportTaskId=import-snap-0123456789abcdef0", "InvalidConversionTaskId.Malformed")]
    public async Task Faulty_ec2_requests_get_their_documented_error_and_create_nothing(string form, string expectedCode)
    {
        using var request = SignedRawRequest.Ec2Form(_server, form);
        using var response = await _http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();

        Assert.True((int)response.StatusCode is >= 400 and < 500, body);
        Assert.Equal(expectedCode, Ec2Error(body).Code);

        using var ec2 = AwsClients.Ec2(_server);
        var tasks = await ec2.DescribeImportSnapshotTasksAsync(new DescribeImportSnapshotTasksRequest());
        Assert.Empty(tasks.ImportSnapshotTasks ?? []);
    }

    [Fact]
    public async Task A_declared_format_that_is_not_the_files_ends_the_task_with_a_client_error_naming_both()
    {
        using var s3 = AwsClients.S3(_server);
        using var ec2 = AwsClients.Ec2(_server);
        DiskImageFile.Write(_work.File("plain.raw"), 4L << 20, [(0, 1L << 20)]);
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = "import-bucket", Key = "disk.vmdk", FilePath = _work.File("plain.raw") });

        var started = await ec2.ImportSnapshotAsync(new ImportSnapshotRequest
        {
            DiskContainer = new SnapshotDiskContainer { Format = "VMDK", UserBucket = new UserBucket { S3Bucket = "import-bucket", S3Key = "disk.vmdk" } },
        });

        var ended = await SdkImportSnapshotTests.WaitForTaskAsync(ec2, started.ImportTaskId, "deleted");
        Assert.Equal(
            "ClientError: Disk validation failed [The file has no VMDK signature; it is not a VMDK image (if it is a raw disk, declare the format RAW)]",
            ended.SnapshotTaskDetail.StatusMessage);
        var snapshots = await ec2.DescribeSnapshotsAsync(new DescribeSnapshotsRequest { OwnerIds = ["self"] });
        Assert.Empty(snapshots.Snapshots ?? []);
    }

    [Fact]
    public async Task An_ova_declared_as_a_single_disk_ends_the_task_pointing_to_ImportImage()
    {
        using var s3 = AwsClients.S3(_server);
        using var ec2 = AwsClients.Ec2(_server);
        var ova = _work.File("vm.ova");
        await using (var tar = File.Create(ova))
        await using (var writer = new System.Formats.Tar.TarWriter(tar, System.Formats.Tar.TarEntryFormat.Ustar))
        {
            var descriptor = new System.Formats.Tar.UstarTarEntry(System.Formats.Tar.TarEntryType.RegularFile, "vm.ovf") { DataStream = new MemoryStream("<Envelope/>"u8.ToArray()) };
            await writer.WriteEntryAsync(descriptor);
        }

        await s3.PutObjectAsync(new PutObjectRequest { BucketName = "import-bucket", Key = "vm.vmdk", FilePath = ova });
        var started = await ec2.ImportSnapshotAsync(new ImportSnapshotRequest
        {
            DiskContainer = new SnapshotDiskContainer { Format = "VMDK", UserBucket = new UserBucket { S3Bucket = "import-bucket", S3Key = "vm.vmdk" } },
        });

        var ended = await SdkImportSnapshotTests.WaitForTaskAsync(ec2, started.ImportTaskId, "deleted");
        Assert.Equal(
            "ClientError: Disk validation failed [The file is an OVA package; ImportSnapshot takes a single VMDK, VHD, VHDX or raw disk image: import the OVA with ImportImage, or extract one of its disks]",
            ended.SnapshotTaskDetail.StatusMessage);
    }

    [SkippableFact]
    public async Task Hostile_keys_stay_keys_and_never_reach_the_file_system()
    {
        // The AWS CLI sends keys exactly as given, dot segments included (the .NET SDK's URI handling
        // collapses them before sending, so it cannot carry such keys to any S3).
        const string aws = "/usr/bin/aws";
        RequiredTool.Require(aws, "awscli");
        string[] keys = ["../../../../etc/vmie-escape", "..", "%2e%2e/%2e%2e/x", "/absolute/path", "a/./b/../c", "back\\slash", new string('k', 1000)];
        var payload = _work.File("payload.txt");
        foreach (var key in keys)
        {
            await File.WriteAllTextAsync(payload, "payload:" + key);
            var put = await AwsCliAsync(aws, "s3api", "put-object", "--bucket", "import-bucket", "--key", key, "--body", payload);
            Assert.True(put.ExitCode == 0, put.ToString());
        }

        using var s3 = AwsClients.S3(_server);
        var listed = (await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = "import-bucket" })).S3Objects.Select(o => o.Key).ToHashSet();
        Assert.True(listed.SetEquals(keys), "stored keys: " + string.Join(" | ", listed));
        foreach (var key in keys)
        {
            var get = await AwsCliAsync(aws, "s3api", "get-object", "--bucket", "import-bucket", "--key", key, _work.File("out.txt"));
            Assert.True(get.ExitCode == 0, get.ToString());
            Assert.Equal("payload:" + key, await File.ReadAllTextAsync(_work.File("out.txt")));
        }

        var tooLong = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.PutObjectAsync(new PutObjectRequest { BucketName = "import-bucket", Key = new string('k', 1025), ContentBody = "x" }));
        Assert.Equal("KeyTooLongError", tooLong.ErrorCode);

        // Nothing was created beside the data directory, and inside it only vmie's own layout exists.
        Assert.False(File.Exists("/etc/vmie-escape"));
        Assert.Empty(Directory.GetFileSystemEntries(_work.Path).Select(Path.GetFileName).Except(["data", "payload.txt", "out.txt", "aws-config", "aws-credentials"]));
        var allowed = new[] { "vmie.lock", "vmie.db", "vmie.db-wal", "vmie.db-shm", "credentials.json", "objects", "snapshots" };
        Assert.All(Directory.GetFileSystemEntries(_server.DataDirectory).Select(Path.GetFileName), name => Assert.Contains(name, allowed));
        Assert.DoesNotContain(Directory.EnumerateFileSystemEntries(_server.DataDirectory, "*", SearchOption.AllDirectories), p => p.Contains("etc", StringComparison.Ordinal) || p.Contains("absolute", StringComparison.Ordinal));
    }

    private Task<ProcessResult> AwsCliAsync(string aws, params string[] arguments) =>
        ProcessRunner.RunAsync(aws, ["--endpoint-url", _server.Endpoint.ToString(), .. arguments], _work.Path, new Dictionary<string, string>
        {
            ["AWS_ACCESS_KEY_ID"] = _server.AccessKeyId,
            ["AWS_SECRET_ACCESS_KEY"] = _server.SecretAccessKey,
            ["AWS_DEFAULT_REGION"] = _server.Region,
            ["AWS_CONFIG_FILE"] = _work.File("aws-config"),
            ["AWS_SHARED_CREDENTIALS_FILE"] = _work.File("aws-credentials"),
            ["AWS_PAGER"] = "",
        });

    [Fact]
    public async Task Missing_bucket_and_key_get_s3_errors()
    {
        using var s3 = AwsClients.S3(_server);
        var noBucket = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.GetObjectAsync("no-such-bucket", "k"));
        Assert.Equal("NoSuchBucket", noBucket.ErrorCode);
        var noKey = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.GetObjectAsync("import-bucket", "no/such/key"));
        Assert.Equal("NoSuchKey", noKey.ErrorCode);
    }

    private async Task AssertBucketEmptyAsync()
    {
        using var s3 = AwsClients.S3(_server);
        var listing = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = "import-bucket" });
        Assert.Empty(listing.S3Objects ?? []);
    }

    private static (string Code, string RequestId) Ec2Error(string body)
    {
        var root = XDocument.Parse(body).Root!;
        Assert.Equal("Response", root.Name.LocalName);
        var error = root.Element("Errors")!.Element("Error")!;
        return (error.Element("Code")!.Value, root.Element("RequestID")!.Value);
    }
}

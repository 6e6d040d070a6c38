using System.Text.Json;
using Amazon.S3.Model;
using Vmie.Cli.Tests.Infrastructure;

namespace Vmie.Cli.Tests.EndToEnd;

/// <summary>
/// The spec's import-image commands (§2.3–§2.5), run with Debian's AWS CLI against a real `vmie serve`:
/// containers.json through file://, the shorthand form, two VMDKs, describe, cancel and the refusals (their objects do not
/// exist, so the tasks end deleted; CliImageImportRunTests runs real guests to AMIs).
/// </summary>
public sealed class CliImportImageTests : IAsyncLifetime
{
    private const string Aws = "/usr/bin/aws";

    private readonly TemporaryDirectory _work = new();
    private VmieServerProcess _server = null!;

    public async Task InitializeAsync()
    {
        _server = await VmieServerProcess.StartAsync(_work.File("data"));
        using var s3 = AwsClients.S3(_server);
        await s3.PutBucketAsync(new PutBucketRequest { BucketName = "my-import-bucket" });
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _work.Dispose();
    }

    private async Task<ProcessResult> AwsAsync(params string[] arguments)
    {
        RequiredTool.Require(Aws, "awscli");
        return await ProcessRunner.RunAsync(
            Aws,
            ["--endpoint-url", _server.Endpoint.ToString().TrimEnd('/'), "--output", "json", .. arguments],
            workingDirectory: _work.Path,
            environment: new Dictionary<string, string>
            {
                ["AWS_ACCESS_KEY_ID"] = _server.AccessKeyId,
                ["AWS_SECRET_ACCESS_KEY"] = _server.SecretAccessKey,
                ["AWS_DEFAULT_REGION"] = _server.Region,
                ["AWS_CONFIG_FILE"] = _work.File("aws-config"),
                ["AWS_SHARED_CREDENTIALS_FILE"] = _work.File("aws-credentials"),
                ["AWS_PAGER"] = "",
                ["AWS_MAX_ATTEMPTS"] = "1",
            },
            timeout: TimeSpan.FromMinutes(2));
    }

    private async Task<JsonElement> AwsJsonAsync(params string[] arguments)
    {
        var result = await AwsAsync(arguments);
        Assert.True(result.ExitCode == 0, result.ToString());
        return JsonDocument.Parse(result.StandardOutput).RootElement.Clone();
    }

    private async Task RefusedAsync(string code, params string[] arguments)
    {
        var result = await AwsAsync(arguments);
        Assert.True(result.ExitCode != 0, result.ToString());
        Assert.Contains($"({code})", result.StandardError, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task The_spec_examples_run_verbatim()
    {
        await File.WriteAllTextAsync(_work.File("containers.json"), """
            [{"Description":"My Server OVA","Format":"ova",
              "UserBucket":{"S3Bucket":"my-import-bucket","S3Key":"vms/my-server-vm.ova"}}]
            """);
        var fromFile = await AwsJsonAsync("ec2", "import-image", "--description", "My server VM", "--disk-containers", "file://containers.json");
        var ovaId = fromFile.GetProperty("ImportTaskId").GetString()!;
        Assert.Matches("^import-ami-[0-9a-f]{17}$", ovaId);
        Assert.Equal("active", fromFile.GetProperty("Status").GetString());
        Assert.Equal("pending", fromFile.GetProperty("StatusMessage").GetString());
        Assert.Equal("2", fromFile.GetProperty("Progress").GetString());
        var disk = Assert.Single(fromFile.GetProperty("SnapshotDetails").EnumerateArray());
        Assert.Equal("OVA", disk.GetProperty("Format").GetString());
        Assert.Equal(0.0, disk.GetProperty("DiskImageSize").GetDouble());
        Assert.Equal("vms/my-server-vm.ova", disk.GetProperty("UserBucket").GetProperty("S3Key").GetString());

        var shorthand = await AwsJsonAsync("ec2", "import-image", "--license-type", "aws", "--disk-containers", "Format=OVA,Url=S3://my-import-bucket/sql_std_image.ova");
        Assert.Equal("AWS", shorthand.GetProperty("LicenseType").GetString());
        Assert.Equal("S3://my-import-bucket/sql_std_image.ova", Assert.Single(shorthand.GetProperty("SnapshotDetails").EnumerateArray()).GetProperty("Url").GetString());

        var usage = await AwsJsonAsync("ec2", "import-image", "--usage-operation", "RunInstances:0006", "--disk-containers", "Format=OVA,Url=S3://my-import-bucket/sql_std_image.ova");
        Assert.Equal("RunInstances:0006", usage.GetProperty("UsageOperation").GetString());

        await File.WriteAllTextAsync(_work.File("disks.json"), """
            [{"Description":"First disk","Format":"vmdk","UserBucket":{"S3Bucket":"my-import-bucket","S3Key":"disks/my-server-vm-disk1.vmdk"}},
             {"Description":"Second disk","Format":"vmdk","UserBucket":{"S3Bucket":"my-import-bucket","S3Key":"disks/my-server-vm-disk2.vmdk"}}]
            """);
        var twoDisks = await AwsJsonAsync("ec2", "import-image", "--description", "two disks", "--encrypted", "--kms-key-id", "0ea3fef3-80a7-4778-9d8c-1c0c6EXAMPLE",
            "--boot-mode", "legacy-bios", "--disk-containers", "file://disks.json");
        var twoId = twoDisks.GetProperty("ImportTaskId").GetString()!;
        Assert.True(twoDisks.GetProperty("Encrypted").GetBoolean());
        Assert.Equal(["First disk", "Second disk"], twoDisks.GetProperty("SnapshotDetails").EnumerateArray().Select(d => d.GetProperty("Description").GetString()));

        var described = await AwsJsonAsync("ec2", "describe-import-image-tasks", "--import-task-ids", twoId);
        var task = Assert.Single(described.GetProperty("ImportImageTasks").EnumerateArray());
        Assert.Equal("legacy-bios", task.GetProperty("BootMode").GetString());
        Assert.Equal("0ea3fef3-80a7-4778-9d8c-1c0c6EXAMPLE", task.GetProperty("KmsKeyId").GetString());
        Assert.Equal(2, task.GetProperty("SnapshotDetails").GetArrayLength());

        var all = await AwsJsonAsync("ec2", "describe-import-image-tasks");
        Assert.Equal(4, all.GetProperty("ImportImageTasks").GetArrayLength());
        // The CLI follows NextToken itself: one item per page still lists all four.
        var paged = await AwsJsonAsync("ec2", "describe-import-image-tasks", "--page-size", "1");
        Assert.Equal(4, paged.GetProperty("ImportImageTasks").GetArrayLength());
        // Their objects do not exist: the workers end every task deleted with the 404 message.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        JsonElement deleted;
        do
        {
            await Task.Delay(100);
            deleted = await AwsJsonAsync("ec2", "describe-import-image-tasks", "--filters", "Name=task-state,Values=deleted");
            Assert.True(DateTime.UtcNow < deadline, "the tasks did not end");
        }
        while (deleted.GetProperty("ImportImageTasks").GetArrayLength() < 4);

        var ended = Assert.Single((await AwsJsonAsync("ec2", "describe-import-image-tasks", "--import-task-ids", ovaId)).GetProperty("ImportImageTasks").EnumerateArray());
        Assert.Equal("deleted", ended.GetProperty("Status").GetString());
        Assert.Equal("ClientError: Disk validation failed [We do not have access to the given resource. Reason 404 Not Found]", ended.GetProperty("StatusMessage").GetString());
        await RefusedAsync("IncorrectState", "ec2", "cancel-import-task", "--import-task-id", ovaId);
    }

    [SkippableFact]
    public async Task Refusals_reach_the_cli_with_EC2s_codes()
    {
        await RefusedAsync("InvalidParameterCombination", "ec2", "import-image", "--license-type", "AWS", "--usage-operation", "RunInstances:0002",
            "--disk-containers", "Format=OVA,Url=s3://my-import-bucket/a.ova");
        await RefusedAsync("InvalidParameterValue", "ec2", "import-image", "--architecture", "arm64", "--disk-containers", "Format=OVA,Url=s3://my-import-bucket/a.ova");
        await RefusedAsync("InvalidParameterValue", "ec2", "import-image", "--disk-containers", "Format=ISO,Url=s3://my-import-bucket/a.iso");
        await RefusedAsync("InvalidParameter", "ec2", "import-image", "--disk-containers", "Format=OVA,Url=s3://not-my-bucket/a.ova");
        await RefusedAsync("InvalidParameterCombination", "ec2", "import-image", "--kms-key-id", "alias/aws/ebs", "--disk-containers", "Format=OVA,Url=s3://my-import-bucket/a.ova");
        await RefusedAsync("DryRunOperation", "ec2", "import-image", "--dry-run", "--disk-containers", "Format=OVA,Url=s3://my-import-bucket/a.ova");
        await RefusedAsync("InvalidConversionTaskId.Malformed", "ec2", "describe-import-image-tasks", "--import-task-ids", "import-ami-0123456789abcdef0");
        await RefusedAsync("InvalidConversionTaskId.Malformed", "ec2", "cancel-import-task", "--import-task-id", "import-ami-0123456789abcdef0");

        var none = await AwsJsonAsync("ec2", "describe-import-image-tasks");
        Assert.Equal(0, none.GetProperty("ImportImageTasks").GetArrayLength());
    }
}

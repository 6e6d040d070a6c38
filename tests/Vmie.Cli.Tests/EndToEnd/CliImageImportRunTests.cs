using System.Globalization;
using System.Text.Json;
using Amazon.S3.Model;
using Vmie.Cli.Tests.Infrastructure;

namespace Vmie.Cli.Tests.EndToEnd;

/// <summary>
/// The spec's ImportImage examples run to their end with Debian's AWS CLI against a real `vmie serve`, on a real
/// Debian guest: `aws s3 cp` of the OVA, import-image with --license-type AWS (refused for Linux) and BYOL,
/// describe-images and describe-snapshots of the result, and Example 3's --encrypted --kms-key-id.
/// </summary>
public sealed class CliImageImportRunTests : IAsyncLifetime
{
    private const string Aws = "/usr/bin/aws";
    private const string KmsKey = "arn:aws:kms:us-east-1:111122223333:key/0ea3fef3-80a7-4778-9d8c-1c0c6EXAMPLE";

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

    private async Task<JsonElement> AwsJsonAsync(params string[] arguments)
    {
        RequiredTool.Require(Aws, "awscli");
        var result = await ProcessRunner.RunAsync(
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
            timeout: TimeSpan.FromMinutes(5));
        Assert.True(result.ExitCode == 0, result.ToString());
        // `aws s3 cp` reports in text whatever --output says.
        return arguments[0] == "s3" ? default : JsonDocument.Parse(result.StandardOutput).RootElement.Clone();
    }

    private static string? Text(JsonElement element, string name) => element.TryGetProperty(name, out var value) ? value.GetString() : null;

    /// <summary>describe-import-image-tasks until the task has ended; Progress must never go down meanwhile.</summary>
    private async Task<JsonElement> WaitForEndAsync(string id)
    {
        var deadline = DateTime.UtcNow.AddMinutes(5);
        var last = 0;
        while (true)
        {
            var task = Assert.Single((await AwsJsonAsync("ec2", "describe-import-image-tasks", "--import-task-ids", id)).GetProperty("ImportImageTasks").EnumerateArray());
            if (Text(task, "Progress") is { Length: > 0 } text)
            {
                var progress = int.Parse(text, CultureInfo.InvariantCulture);
                Assert.True(progress >= last, $"Progress went down from {last} to {progress}");
                last = progress;
            }

            if (Text(task, "Status") is "completed" or "deleted")
            {
                return task;
            }

            Assert.True(DateTime.UtcNow < deadline, $"Task {id} did not end: {task}");
            await Task.Delay(200);
        }
    }

    [SkippableFact]
    public async Task Example_1_refuses_an_aws_license_for_linux_and_makes_a_byol_ami()
    {
        await AwsJsonAsync("s3", "cp", ImportImageGuests.DebianOva, "s3://my-import-bucket/vms/my-server-vm.ova");
        await File.WriteAllTextAsync(_work.File("containers.json"), """
            [{"Description":"My Server OVA","Format":"ova",
              "UserBucket":{"S3Bucket":"my-import-bucket","S3Key":"vms/my-server-vm.ova"}}]
            """);

        var refusedId = Text(await AwsJsonAsync("ec2", "import-image", "--description", "My server VM", "--license-type", "AWS", "--disk-containers", "file://containers.json"), "ImportTaskId")!;
        var refused = await WaitForEndAsync(refusedId);
        Assert.Equal("deleted", Text(refused, "Status"));
        Assert.StartsWith("ClientError: LicenseType AWS includes an AWS operating system license, which Linux does not support", Text(refused, "StatusMessage"), StringComparison.Ordinal);

        var id = Text(await AwsJsonAsync("ec2", "import-image", "--description", "My server VM", "--license-type", "BYOL", "--disk-containers", "file://containers.json"), "ImportTaskId")!;
        var task = await WaitForEndAsync(id);
        Assert.Equal("completed", Text(task, "Status"));
        var imageId = Text(task, "ImageId")!;
        Assert.Matches("^ami-[0-9a-f]{17}$", imageId);
        var snapshotId = Text(Assert.Single(task.GetProperty("SnapshotDetails").EnumerateArray()), "SnapshotId")!;

        var image = Assert.Single((await AwsJsonAsync("ec2", "describe-images", "--image-ids", imageId)).GetProperty("Images").EnumerateArray());
        Assert.Null(Text(image, "Platform"));
        Assert.Equal(("Linux/UNIX", "RunInstances", "legacy-bios", "x86_64"), (Text(image, "PlatformDetails"), Text(image, "UsageOperation"), Text(image, "BootMode"), Text(image, "Architecture")));
        Assert.Equal((id, "/dev/sda1"), (Text(image, "Name"), Text(image, "RootDeviceName")));
        var mapping = Assert.Single(image.GetProperty("BlockDeviceMappings").EnumerateArray());
        Assert.Equal(("/dev/sda1", snapshotId), (Text(mapping, "DeviceName"), Text(mapping.GetProperty("Ebs"), "SnapshotId")));

        var own = await AwsJsonAsync("ec2", "describe-images", "--owners", "self", "--filters", $"Name=name,Values={id}");
        Assert.Equal(imageId, Text(Assert.Single(own.GetProperty("Images").EnumerateArray()), "ImageId"));
        var snapshot = Assert.Single((await AwsJsonAsync("ec2", "describe-snapshots", "--snapshot-ids", snapshotId)).GetProperty("Snapshots").EnumerateArray());
        Assert.Equal(("completed", $"Created by AWS-VMImport service for {id}"), (Text(snapshot, "State"), Text(snapshot, "Description")));
    }

    [SkippableFact]
    public async Task Example_3_encrypts_the_snapshots_and_the_ami_mappings_with_the_key()
    {
        await AwsJsonAsync("s3", "cp", ImportImageGuests.DebianVmdk, "s3://my-import-bucket/disks/my-server-vm.vmdk");

        var id = Text(await AwsJsonAsync("ec2", "import-image", "--description", "Encrypted VM", "--encrypted", "--kms-key-id", KmsKey,
            "--disk-containers", "Format=vmdk,UserBucket={S3Bucket=my-import-bucket,S3Key=disks/my-server-vm.vmdk}"), "ImportTaskId")!;
        var task = await WaitForEndAsync(id);

        Assert.Equal("completed", Text(task, "Status"));
        Assert.True(task.GetProperty("Encrypted").GetBoolean());
        Assert.Equal(KmsKey, Text(task, "KmsKeyId"));
        var image = Assert.Single((await AwsJsonAsync("ec2", "describe-images", "--image-ids", Text(task, "ImageId")!)).GetProperty("Images").EnumerateArray());
        var ebs = Assert.Single(image.GetProperty("BlockDeviceMappings").EnumerateArray()).GetProperty("Ebs");
        Assert.True(ebs.GetProperty("Encrypted").GetBoolean());
        Assert.Equal(KmsKey, Text(ebs, "KmsKeyId"));
        var snapshot = Assert.Single((await AwsJsonAsync("ec2", "describe-snapshots", "--owner-ids", "self")).GetProperty("Snapshots").EnumerateArray());
        Assert.True(snapshot.GetProperty("Encrypted").GetBoolean());
        Assert.Equal(KmsKey, Text(snapshot, "KmsKeyId"));
    }
}

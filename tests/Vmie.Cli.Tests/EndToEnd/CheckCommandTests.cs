using System.Text.Json;
using Amazon.S3.Model;
using Vmie.Cli.Tests.Infrastructure;

namespace Vmie.Cli.Tests.EndToEnd;

/// <summary>`vmie check` as a user runs it (output piped: plain lines), on local images and on s3:// objects.</summary>
public sealed class CheckCommandTests
{
    private const string WouldImport = "result: an AWS-style import would succeed";
    private const string WouldFail = "result: an AWS-style import would fail";
    private static readonly string Cli = Path.Combine(AppContext.BaseDirectory, "vmie.dll");

    private static Task<ProcessResult> CheckAsync(params string[] arguments) =>
        ProcessRunner.RunAsync("dotnet", [Cli, "check", .. arguments], timeout: TimeSpan.FromMinutes(2));

    [SkippableFact]
    public async Task A_good_image_would_import_and_says_so_in_plain_text_and_json()
    {
        using var work = new TemporaryDirectory();
        await TinyDebianImage.WriteAsync(work.File("disk.img"), 2L << 30);

        var plain = await CheckAsync(work.File("disk.img"));

        Assert.True(plain.ExitCode == 0, plain.ToString());
        Assert.Contains($"os: {TinyDebianImage.OsName} (Linux, x86_64) on /dev/sda2", plain.StandardOutput, StringComparison.Ordinal);
        Assert.Contains($"kernel: {TinyDebianImage.Kernel}", plain.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("boot mode: legacy-bios", plain.StandardOutput, StringComparison.Ordinal);
        Assert.EndsWith(WouldImport, plain.StandardOutput.TrimEnd(), StringComparison.Ordinal);
        Assert.DoesNotContain("FAIL ", plain.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(string.Empty, plain.StandardError);

        var json = await CheckAsync("--json", work.File("disk.img"));

        Assert.True(json.ExitCode == 0, json.ToString());
        var report = JsonDocument.Parse(json.StandardOutput).RootElement;
        Assert.True(report.GetProperty("importWouldSucceed").GetBoolean());
        var os = report.GetProperty("operatingSystem");
        Assert.Equal("Linux", os.GetProperty("kind").GetString());
        Assert.Equal(TinyDebianImage.OsName, os.GetProperty("name").GetString());
        Assert.Equal("Debian", os.GetProperty("distribution").GetString());
        Assert.Equal(TinyDebianImage.Kernel, os.GetProperty("defaultKernel").GetString());
        Assert.Equal("/dev/sda2", os.GetProperty("rootDevice").GetString());
        Assert.Equal("legacy-bios", report.GetProperty("bootModes").GetString());
        Assert.Equal([TinyDebianImage.Kernel], report.GetProperty("kernels").EnumerateArray().Select(kernel => kernel.GetString()));
        var disk = Assert.Single(report.GetProperty("disks").EnumerateArray());
        Assert.Equal("raw", disk.GetProperty("format").GetString());
        Assert.Equal(2L << 30, disk.GetProperty("virtualSize").GetInt64());
        Assert.Equal("Gpt", disk.GetProperty("partitionTable").GetString());
        Assert.Equal(2, disk.GetProperty("partitions").GetArrayLength());
        foreach (var verdict in report.GetProperty("verdicts").EnumerateArray())
        {
            Assert.Equal(
                ["code", "severity", "statusMessage", "evidence", "fix"],
                verdict.EnumerateObject().Select(property => property.Name));
            Assert.NotEqual("Fail", verdict.GetProperty("severity").GetString());
            Assert.False(string.IsNullOrWhiteSpace(verdict.GetProperty("statusMessage").GetString()));
            Assert.False(string.IsNullOrWhiteSpace(verdict.GetProperty("fix").GetString()));
        }
    }

    [SkippableFact]
    public async Task An_image_without_os_release_would_fail_with_the_aws_status_message()
    {
        using var work = new TemporaryDirectory();
        await TinyDebianImage.WriteAsync(work.File("broken.img"), 2L << 30, adjust: tree => File.Delete(Path.Combine(tree, "etc/os-release")));

        var plain = await CheckAsync(work.File("broken.img"));

        Assert.True(plain.ExitCode == 1, plain.ToString());
        Assert.Contains("FAIL unknown-os: ClientError: Unknown OS / Missing OS files", plain.StandardOutput, StringComparison.Ordinal);
        // fstab, /bin and a kernel still make it a Linux root; only the distribution is unknown.
        Assert.Contains("os: Linux (distribution unknown) (Linux, x86_64) on /dev/sda2", plain.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("  evidence: No release file (/etc/os-release", plain.StandardOutput, StringComparison.Ordinal);
        Assert.EndsWith(WouldFail, plain.StandardOutput.TrimEnd(), StringComparison.Ordinal);

        var json = await CheckAsync("--json", work.File("broken.img"));

        Assert.True(json.ExitCode == 1, json.ToString());
        var report = JsonDocument.Parse(json.StandardOutput).RootElement;
        Assert.False(report.GetProperty("importWouldSucceed").GetBoolean());
        Assert.False(report.GetProperty("operatingSystem").TryGetProperty("distribution", out var distribution) && distribution.GetString() == "Debian");
        var verdict = Assert.Single(report.GetProperty("verdicts").EnumerateArray(), verdict => verdict.GetProperty("code").GetString() == "unknown-os");
        Assert.Equal("Fail", verdict.GetProperty("severity").GetString());
        Assert.Equal("ClientError: Unknown OS / Missing OS files", verdict.GetProperty("statusMessage").GetString());
    }

    [SkippableFact]
    public async Task Unreadable_images_exit_2_with_one_plain_error_line()
    {
        using var work = new TemporaryDirectory();
        await TinyDebianImage.WriteAsync(work.File("disk.img"), 2L << 30);
        var converted = await ProcessRunner.RunAsync("dotnet", [Cli, "convert", work.File("disk.img"), work.File("disk.vmdk")]);
        Assert.True(converted.ExitCode == 0, converted.ToString());
        var vmdk = await File.ReadAllBytesAsync(work.File("disk.vmdk"));
        await File.WriteAllBytesAsync(work.File("truncated.vmdk"), vmdk[..(vmdk.Length / 2)]);
        var garbage = new byte[64 << 10];
        new Random(7).NextBytes(garbage);
        "KDMV"u8.CopyTo(garbage);
        await File.WriteAllBytesAsync(work.File("garbage.vmdk"), garbage);
        await File.WriteAllBytesAsync(work.File("empty.img"), []);

        foreach (var (name, expected) in new[]
        {
            ("truncated.vmdk", "footer"),
            ("garbage.vmdk", "sparse extent version"),
            ("empty.img", "empty"),
            ("missing.img", "Could not find file"),
        })
        {
            var result = await CheckAsync(work.File(name));

            Assert.True(result.ExitCode == 2, $"{name}: {result}");
            Assert.Equal(string.Empty, result.StandardOutput);
            var line = Assert.Single(result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.StartsWith("vmie check: ", line, StringComparison.Ordinal);
            Assert.True(line.Contains(expected, StringComparison.Ordinal), $"{name}: {line}");
            Assert.DoesNotContain("   at ", line, StringComparison.Ordinal);
        }
    }

    [SkippableFact]
    public async Task The_same_image_as_stream_optimized_vmdk_and_ova_gets_the_same_verdict()
    {
        using var work = new TemporaryDirectory();
        await TinyDebianImage.WriteAsync(work.File("disk.img"), 2L << 30);
        await TinyDebianImage.WriteAsync(work.File("broken.img"), 2L << 30, adjust: tree => File.Delete(Path.Combine(tree, "etc/os-release")));
        var raw = await CheckAsync("--json", work.File("disk.img"));
        var rawBroken = await CheckAsync("--json", work.File("broken.img"));

        foreach (var target in new[] { "vmdk", "ova" })
        {
            foreach (var (source, rawResult, exitCode) in new[] { ("disk", raw, 0), ("broken", rawBroken, 1) })
            {
                var image = work.File($"{source}.{target}");
                var converted = await ProcessRunner.RunAsync("dotnet", [Cli, "convert", work.File(source + ".img"), image]);
                Assert.True(converted.ExitCode == 0, converted.ToString());

                var result = await CheckAsync("--json", image);

                Assert.True(result.ExitCode == exitCode, $"{image}: {result}");
                AssertSameVerdict(rawResult.StandardOutput, result.StandardOutput);
                var disk = Assert.Single(JsonDocument.Parse(result.StandardOutput).RootElement.GetProperty("disks").EnumerateArray());
                Assert.Contains("streamOptimized", disk.GetProperty("format").GetString(), StringComparison.Ordinal);
            }
        }

        var plain = await CheckAsync(work.File("disk.ova"));
        Assert.True(plain.ExitCode == 0, plain.ToString());
        Assert.Contains("disk 0: " + work.File("disk.ova") + ":disk-disk1.vmdk (OVA VMDK streamOptimized", plain.StandardOutput, StringComparison.Ordinal);
        Assert.EndsWith(WouldImport, plain.StandardOutput.TrimEnd(), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task An_s3_object_is_checked_with_ranged_reads_not_a_whole_download()
    {
        using var work = new TemporaryDirectory();
        const long size = 2L << 30;
        await TinyDebianImage.WriteAsync(work.File("disk.img"), size);
        var local = await CheckAsync("--json", work.File("disk.img"));
        Assert.True(local.ExitCode == 0, local.ToString());

        await using var server = await VmieServerProcess.StartAsync(Path.Combine(work.Path, "data"));
        using (var s3 = AwsClients.S3(server))
        {
            await s3.PutBucketAsync("images");
            await s3.PutObjectAsync(new PutObjectRequest { BucketName = "images", Key = "vms/disk.img", FilePath = work.File("disk.img") });
        }

        await using var relay = new CountingTcpRelay(server.Endpoint);
        var environment = new Dictionary<string, string>
        {
            ["AWS_ACCESS_KEY_ID"] = server.AccessKeyId,
            ["AWS_SECRET_ACCESS_KEY"] = server.SecretAccessKey,
            ["AWS_DEFAULT_REGION"] = server.Region,
            ["AWS_REGION"] = server.Region,
        };

        var remote = await ProcessRunner.RunAsync("dotnet", [Cli, "check", "--json", "--endpoint-url", relay.Endpoint.ToString(), "s3://images/vms/disk.img"],
            environment: environment, timeout: TimeSpan.FromMinutes(2));

        Assert.True(remote.ExitCode == 0, remote.ToString());
        AssertSameVerdict(local.StandardOutput, remote.StandardOutput);
        var disk = Assert.Single(JsonDocument.Parse(remote.StandardOutput).RootElement.GetProperty("disks").EnumerateArray());
        Assert.Equal(size, disk.GetProperty("virtualSize").GetInt64());
        Assert.True(relay.BytesFromServer > 0, "the check did not go through the relay");
        Console.WriteLine($"vmie check read {relay.BytesFromServer} bytes of a {size}-byte S3 object");
        Assert.True(relay.BytesFromServer < size / 32, $"the check read {relay.BytesFromServer} bytes of a {size}-byte object");

        var plain = await ProcessRunner.RunAsync("dotnet", [Cli, "check", "--endpoint-url", relay.Endpoint.ToString(), "s3://images/vms/disk.img"],
            environment: environment, timeout: TimeSpan.FromMinutes(2));
        Assert.True(plain.ExitCode == 0, plain.ToString());
        Assert.Contains("disk 0: s3://images/vms/disk.img (raw", plain.StandardOutput, StringComparison.Ordinal);

        var missing = await ProcessRunner.RunAsync("dotnet", [Cli, "check", "--endpoint-url", relay.Endpoint.ToString(), "s3://images/vms/none.img"],
            environment: environment, timeout: TimeSpan.FromMinutes(2));
        Assert.True(missing.ExitCode == 2, missing.ToString());
        Assert.StartsWith("vmie check: ", Assert.Single(missing.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
    }

    /// <summary>Same OS, boot modes and verdicts (the disk lines differ by format and name).</summary>
    private static void AssertSameVerdict(string expectedJson, string actualJson)
    {
        var expected = JsonDocument.Parse(expectedJson).RootElement;
        var actual = JsonDocument.Parse(actualJson).RootElement;
        foreach (var property in new[] { "importWouldSucceed", "volumes", "operatingSystem", "bootLoader", "kernels", "mounts", "bootModes", "bootModeEvidence", "verdicts" })
        {
            var left = expected.TryGetProperty(property, out var e) ? e.GetRawText() : "(absent)";
            var right = actual.TryGetProperty(property, out var a) ? a.GetRawText() : "(absent)";
            Assert.True(left == right, $"{property} differs:\n{left}\n---\n{right}");
        }
    }
}

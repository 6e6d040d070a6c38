using System.Text.RegularExpressions;
using Vmie.Cli.Tests.Infrastructure;

namespace Vmie.Cli.Tests.EndToEnd;

/// <summary>
/// Runs the README's quick start, verbatim, with the AWS CLI against a real `vmie serve`: if these
/// commands stop working for a user, this test fails.
/// </summary>
public sealed partial class QuickStartTests
{
    [SkippableFact]
    public Task Readme_quick_start_works_with_debian_aws_cli_v2() => RunQuickStartAsync("/usr/bin/aws");

    [SkippableFact]
    public async Task Readme_quick_start_works_with_aws_cli_v1_when_installed()
    {
        var v1 = await FindAwsCliV1Async();
        Skip.If(v1 is null, "No AWS CLI v1 on PATH (optional: Debian ships v2 only; only /usr/bin/aws is required).");
        await RunQuickStartAsync(v1!);
    }

    private static async Task RunQuickStartAsync(string aws)
    {
        RequiredTool.Require(aws, "awscli");
        var script = ExtractQuickStart();
        using var work = new TemporaryDirectory();
        await using var server = await VmieServerProcess.StartAsync(work.File("data"));

        var endpoint = server.Endpoint.ToString().TrimEnd('/');
        script = script.Replace("http://127.0.0.1:8787", endpoint, StringComparison.Ordinal);
        var awsDirectory = Path.GetDirectoryName(aws)!;
        var result = await ProcessRunner.RunAsync(
            "bash",
            ["-euo", "pipefail", "-c", script],
            workingDirectory: work.Path,
            environment: new Dictionary<string, string>
            {
                ["PATH"] = awsDirectory + ":" + Environment.GetEnvironmentVariable("PATH"),
                ["AWS_ACCESS_KEY_ID"] = server.AccessKeyId,
                ["AWS_SECRET_ACCESS_KEY"] = server.SecretAccessKey,
                ["AWS_DEFAULT_REGION"] = server.Region,
                ["AWS_CONFIG_FILE"] = work.File("aws-config"),
                ["AWS_SHARED_CREDENTIALS_FILE"] = work.File("aws-credentials"),
                ["AWS_PAGER"] = "",
            },
            timeout: TimeSpan.FromMinutes(5));

        Assert.True(result.ExitCode == 0, result.ToString() + "\n--- server\n" + server.Output);
        Assert.Contains("make_bucket: import-bucket", result.StandardOutput, StringComparison.Ordinal);
        Assert.Matches(SnapshotIdInOutput(), result.StandardOutput);
        Assert.Contains("\"State\": \"completed\"", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("\"VolumeSize\": 2", result.StandardOutput, StringComparison.Ordinal);
    }

    private static string ExtractQuickStart()
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "README.md"));
        var match = QuickStartBlock().Match(readme);
        Assert.True(match.Success, "README.md has no quickstart block");
        return match.Groups[1].Value;
    }

    /// <summary>
    /// The first `aws` on PATH that reports version 1 (`/bin/aws` is Debian's v2 again through the /usr merge, so the
    /// version is asked, not the path trusted); null when none is installed.
    /// </summary>
    private static async Task<string?> FindAwsCliV1Async()
    {
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory, "aws");
            if (!File.Exists(candidate))
            {
                continue;
            }

            // v1 prints its version on stderr in older releases and on stdout in newer ones.
            var version = await ProcessRunner.RunAsync(candidate, ["--version"], timeout: TimeSpan.FromSeconds(30));
            if ((version.StandardOutput + version.StandardError).StartsWith("aws-cli/1.", StringComparison.Ordinal))
            {
                return candidate;
            }
        }

        return null;
    }

    [GeneratedRegex(@"<!-- quickstart:begin -->\s*```sh\n(.*?)```\s*<!-- quickstart:end -->", RegexOptions.Singleline)]
    private static partial Regex QuickStartBlock();

    [GeneratedRegex("\"SnapshotId\": \"snap-[0-9a-f]{17}\"")]
    private static partial Regex SnapshotIdInOutput();
}

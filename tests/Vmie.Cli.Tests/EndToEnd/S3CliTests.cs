using Vmie.Cli.Tests.Infrastructure;

namespace Vmie.Cli.Tests.EndToEnd;

/// <summary>The everyday S3 commands of Debian's AWS CLI against a real server.</summary>
public sealed class S3CliTests
{
    [SkippableFact]
    public async Task Cp_ls_presign_and_rm_work_with_the_aws_cli()
    {
        const string aws = "/usr/bin/aws";
        RequiredTool.Require(aws, "awscli");
        using var work = new TemporaryDirectory();
        await using var server = await VmieServerProcess.StartAsync(work.File("data"));
        DiskImageFile.Write(work.File("a.raw"), 24L * 1024 * 1024, [(0, 1024 * 1024), (20L * 1024 * 1024, 4096)]);
        File.WriteAllText(work.File("notes.txt"), "hello vmie\n");

        async Task<string> Aws(params string[] arguments)
        {
            var result = await ProcessRunner.RunAsync(aws, ["--endpoint-url", server.Endpoint.ToString(), .. arguments], work.Path, new Dictionary<string, string>
            {
                ["AWS_ACCESS_KEY_ID"] = server.AccessKeyId,
                ["AWS_SECRET_ACCESS_KEY"] = server.SecretAccessKey,
                ["AWS_DEFAULT_REGION"] = server.Region,
                ["AWS_CONFIG_FILE"] = work.File("aws-config"),
                ["AWS_SHARED_CREDENTIALS_FILE"] = work.File("aws-credentials"),
                ["AWS_PAGER"] = "",
            });
            Assert.True(result.ExitCode == 0, $"aws {string.Join(' ', arguments)}\n{result}");
            return result.StandardOutput;
        }

        await Aws("s3", "mb", "s3://cli-bucket");
        await Aws("s3", "cp", "--no-progress", "a.raw", "s3://cli-bucket/images/a.raw");
        await Aws("s3", "cp", "--no-progress", "notes.txt", "s3://cli-bucket/notes.txt");

        var listing = await Aws("s3", "ls", "s3://cli-bucket/");
        Assert.Contains("PRE images/", listing, StringComparison.Ordinal);
        Assert.Contains("notes.txt", listing, StringComparison.Ordinal);
        var recursive = await Aws("s3", "ls", "--recursive", "s3://cli-bucket/");
        Assert.Contains((24L * 1024 * 1024).ToString(), recursive, StringComparison.Ordinal);
        Assert.Contains("cli-bucket", await Aws("s3", "ls"), StringComparison.Ordinal);

        await Aws("s3", "cp", "--no-progress", "s3://cli-bucket/images/a.raw", "back.raw");
        await using (var original = File.OpenRead(work.File("a.raw")))
        await using (var copy = File.OpenRead(work.File("back.raw")))
        {
            Assert.True(await DiskImageFile.SameContentAsync(original, copy));
        }

        var url = (await Aws("s3", "presign", "s3://cli-bucket/notes.txt", "--expires-in", "300")).Trim();
        using (var http = new HttpClient())
        {
            Assert.Equal("hello vmie\n", await http.GetStringAsync(url));
        }

        await Aws("s3", "rm", "s3://cli-bucket/notes.txt");
        await Aws("s3", "rm", "--recursive", "s3://cli-bucket/images/");
        Assert.Equal(string.Empty, (await Aws("s3", "ls", "--recursive", "s3://cli-bucket/")).Trim());
        await Aws("s3", "rb", "s3://cli-bucket");
        Assert.DoesNotContain("cli-bucket", await Aws("s3", "ls"), StringComparison.Ordinal);
    }
}

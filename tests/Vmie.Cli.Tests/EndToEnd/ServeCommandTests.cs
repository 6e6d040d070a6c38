using Vmie.Cli.Tests.Infrastructure;

namespace Vmie.Cli.Tests.EndToEnd;

/// <summary>`vmie serve` refuses what cannot work with one plain sentence, never a stack trace.</summary>
public sealed class ServeCommandTests
{
    private static readonly string Cli = Path.Combine(AppContext.BaseDirectory, "vmie.dll");

    [Fact]
    public async Task A_second_server_on_the_same_data_directory_is_refused()
    {
        using var work = new TemporaryDirectory();
        await using var first = await VmieServerProcess.StartAsync(work.File("data"));

        var second = await ProcessRunner.RunAsync("dotnet", [Cli, "serve", "--port", "0", "--data-dir", work.File("data")], timeout: TimeSpan.FromMinutes(1));

        Assert.Equal(1, second.ExitCode);
        Assert.Contains("is in use by another vmie process", second.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", second.StandardError + second.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_taken_port_is_reported_plainly()
    {
        using var work = new TemporaryDirectory();
        await using var first = await VmieServerProcess.StartAsync(work.File("data"));

        var second = await ProcessRunner.RunAsync("dotnet", [Cli, "serve", "--port", first.Endpoint.Port.ToString(), "--data-dir", work.File("other")], timeout: TimeSpan.FromMinutes(1));

        Assert.Equal(1, second.ExitCode);
        Assert.Contains("address already in use", second.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", second.StandardError + second.StandardOutput, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--port", "70000", 2, "--port must be between 0 and 65535")]
    [InlineData("--listen", "nonsense", 1, "is not an IP address")]
    [InlineData("--account-id", "12", 1, "must be 12 digits")]
    public async Task Bad_options_are_named(string option, string value, int exitCode, string message)
    {
        using var work = new TemporaryDirectory();
        string[] port = option == "--port" ? [] : ["--port", "0"];
        var result = await ProcessRunner.RunAsync("dotnet", [Cli, "serve", .. port, "--data-dir", work.File("data"), option, value], timeout: TimeSpan.FromMinutes(1));

        Assert.Equal(exitCode, result.ExitCode);
        Assert.Contains(message, result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Credentials_are_created_once_and_kept_across_restarts()
    {
        using var work = new TemporaryDirectory();
        string accessKey, account;
        await using (var first = await VmieServerProcess.StartAsync(work.File("data")))
        {
            accessKey = first.AccessKeyId;
            account = first.AccountId;
            Assert.Matches("^[1-9][0-9]{11}$", account);
            Assert.Matches("^AKIA[A-Z2-7]{16}$", accessKey);
        }

        await using var second = await VmieServerProcess.StartAsync(work.File("data"));
        Assert.Equal(accessKey, second.AccessKeyId);
        Assert.Equal(account, second.AccountId);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(work.File("data"), "credentials.json")));
        }

        Assert.DoesNotContain(second.SecretAccessKey, ServerLogLines(second), StringComparison.Ordinal);
    }

    /// <summary>What the server logged after its start-up banner (the banner prints the credentials on purpose).</summary>
    private static string ServerLogLines(VmieServerProcess server) =>
        string.Join('\n', server.Output.Split('\n').SkipWhile(line => !line.StartsWith("and pass --endpoint-url", StringComparison.Ordinal)).Skip(1));
}

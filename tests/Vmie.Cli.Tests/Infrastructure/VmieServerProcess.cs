using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace Vmie.Cli.Tests.Infrastructure;

/// <summary>
/// A real `vmie serve` child process on a free loopback port, as a user would start it, with its
/// printed endpoint and credentials parsed from its output.
/// </summary>
internal sealed partial class VmieServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private VmieServerProcess(Process process, string dataDirectory)
    {
        _process = process;
        DataDirectory = dataDirectory;
    }

    public string DataDirectory { get; }

    public Uri Endpoint { get; private set; } = null!;

    public string Region { get; private set; } = null!;

    public string AccountId { get; private set; } = null!;

    public string AccessKeyId { get; private set; } = null!;

    public string SecretAccessKey { get; private set; } = null!;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static async Task<VmieServerProcess> StartAsync(string dataDirectory, params string[] extraArguments)
    {
        var cli = Path.Combine(AppContext.BaseDirectory, "vmie.dll");
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { cli, "serve", "--port", "0", "--data-dir", dataDirectory }.Concat(extraArguments))
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment.Remove("VMIE_ACCESS_KEY_ID");
        info.Environment.Remove("VMIE_SECRET_ACCESS_KEY");
        info.Environment.Remove("VMIE_ACCOUNT_ID");
        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start vmie");
        var server = new VmieServerProcess(process, dataDirectory);
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) => server.OnLine(e.Data, ready);
        process.ErrorDataReceived += (_, e) => server.OnLine(e.Data, null);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var exited = process.WaitForExitAsync();
        var first = await Task.WhenAny(ready.Task, exited, Task.Delay(TimeSpan.FromSeconds(60))).ConfigureAwait(false);
        if (first != ready.Task)
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw new InvalidOperationException("vmie serve did not become ready:\n" + server.Output);
        }

        return server;
    }

    private void OnLine(string? line, TaskCompletionSource? ready)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }

        var match = FieldLine().Match(line);
        if (!match.Success)
        {
            return;
        }

        var value = match.Groups[2].Value.Trim();
        switch (match.Groups[1].Value)
        {
            case "Endpoint": Endpoint = new Uri(value); break;
            case "Region": Region = value; break;
            case "Account id": AccountId = value; break;
            case "Access key id": AccessKeyId = value; break;
            case "Secret access key":
                SecretAccessKey = value;
                ready?.TrySetResult();
                break;
        }
    }

    /// <summary>Stops the server as Ctrl+C would (SIGTERM), waiting for it to exit.</summary>
    public async Task StopAsync()
    {
        if (_process.HasExited)
        {
            return;
        }

        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString()]))
        {
            await kill!.WaitForExitAsync().ConfigureAwait(false);
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await _process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
        }
    }

    /// <summary>Kills the server without warning, as a crash or power cut would.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _process.Dispose();
    }

    [GeneratedRegex(@"^\s+(Endpoint|Region|Account id|Access key id|Secret access key):\s+(\S+)\s*$")]
    private static partial Regex FieldLine();
}

using System.Diagnostics;
using System.Text.Json;

namespace Vmie.Disks.Tests.Infrastructure;

/// <summary>
/// qemu-img, the reference every format reader and writer is checked against: it makes the fixtures
/// (`create`, `convert -O fmt -o ...`) and judges our outputs (`check`, `compare`, `info`).
/// </summary>
internal static class QemuImg
{
    public static string Path => RequiredTool.Require("qemu-img", "qemu-utils");

    /// <summary>Runs qemu-img; throws with its output when it fails.</summary>
    public static string Run(params string[] arguments)
    {
        var (exitCode, output) = TryRun(arguments);
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"qemu-img {string.Join(' ', arguments)} exited {exitCode}:\n{output}");
        }

        return output;
    }

    public static (int ExitCode, string Output) TryRun(params string[] arguments)
    {
        var info = new ProcessStartInfo(Path) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill();
            throw new TimeoutException("qemu-img " + string.Join(' ', arguments));
        }

        return (process.ExitCode, stdout.Result + stderr.Result);
    }

    /// <summary>Converts <paramref name="source"/> (any format) to <paramref name="format"/> with options like "subformat=streamOptimized".</summary>
    public static void Convert(string source, string destination, string format, string? options = null)
    {
        string[] args = options is null
            ? ["convert", "-O", format, source, destination]
            : ["convert", "-O", format, "-o", options, source, destination];
        Run(args);
    }

    /// <summary>
    /// True when both images have the same virtual size and hold the same guest-visible bytes. (Not
    /// `compare -s`: strict mode also fails when one image stores zeros the other leaves unallocated.)
    /// </summary>
    public static bool Same(string a, string b) =>
        VirtualSize(a) == VirtualSize(b) && TryRun("compare", a, b).ExitCode == 0;

    public static long VirtualSize(string image) => Info(image).GetProperty("virtual-size").GetInt64();

    /// <summary>`qemu-img check` exit code: 0 clean, 2 corruptions, 3 leaks only; 63 means the format has no checks.</summary>
    public static int Check(string image) => TryRun("check", image).ExitCode;

    public static JsonElement Info(string image) => JsonDocument.Parse(Run("info", "--output=json", image)).RootElement.Clone();
}

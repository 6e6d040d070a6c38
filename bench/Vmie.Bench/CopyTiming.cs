using System.Diagnostics;

namespace Vmie.Bench;

/// <summary>The yardstick: how long <c>cp --sparse=never</c> takes to copy the image on this machine.</summary>
internal static class CopyTiming
{
    public static TimeSpan Measure(string source, string destination)
    {
        var stopwatch = Stopwatch.StartNew();
        Run("cp", "--sparse=never", source, destination);
        stopwatch.Stop();
        File.Delete(destination);
        FileSystemQuiet.Settle();
        return stopwatch.Elapsed;
    }

    public static void Run(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start '{program}'.");
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"'{program} {string.Join(' ', arguments)}' exited with code {process.ExitCode}.");
        }
    }
}

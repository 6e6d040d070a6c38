using System.Diagnostics;

namespace Vmie.Guest.Tests.Infrastructure;

/// <summary>
/// A temporary directory, created empty, for one test run's images ("PREFIX-PID"), deleted when the run ends. The test host may
/// end without running exit handlers, so creating one also removes those that runs which have ended left behind.
/// </summary>
internal static class RunScratchDirectory
{
    /// <param name="parent">Where to make it: the system temp folder unless given.</param>
    public static string Create(string prefix, string? parent = null)
    {
        parent ??= Path.GetTempPath();
        foreach (var stale in Directory.EnumerateDirectories(parent, prefix + "-*"))
        {
            if (int.TryParse(Path.GetFileName(stale)[(prefix.Length + 1)..], out var pid) && !IsRunning(pid))
            {
                Directory.Delete(stale, recursive: true);
            }
        }

        var root = Path.Combine(parent, $"{prefix}-{Environment.ProcessId}");
        Directory.CreateDirectory(root);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            if (Directory.Exists(root))
            {
                Directory.Delete(root, recursive: true);
            }
        };
        return root;
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}

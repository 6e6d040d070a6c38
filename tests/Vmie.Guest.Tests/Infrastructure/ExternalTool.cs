using System.Diagnostics;

namespace Vmie.Guest.Tests.Infrastructure;

/// <summary>Runs a tool that builds or checks a test image; a non-zero exit fails the test with its output.</summary>
internal static class ExternalTool
{
    public static string Run(string program, string debianPackage, params string[] arguments) => RunWithInput(program, debianPackage, null, arguments);

    public static string RunWithInput(string program, string debianPackage, string? input, params string[] arguments)
    {
        var path = RequiredTool.Require(program, debianPackage);
        var start = new ProcessStartInfo(path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = input is not null,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        if (input is not null)
        {
            process.StandardInput.Write(input);
            process.StandardInput.Close();
        }

        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} exited with {process.ExitCode}: {stderr.Result}{stdout}");
        }

        return stdout;
    }

    /// <summary>A fresh path in this test run's scratch directory.</summary>
    public static string ScratchPath(string name)
    {
        var directory = Path.Combine(Path.GetTempPath(), "vmie-guest-tests-" + Environment.ProcessId);
        Directory.CreateDirectory(directory);
        return Path.Combine(directory, name);
    }

    /// <summary>Copies <paramref name="source"/> into <paramref name="image"/> at <paramref name="offset"/> (dd conv=notrunc).</summary>
    public static void CopyInto(string image, long offset, string source)
    {
        using var input = File.OpenRead(source);
        using var output = new FileStream(image, FileMode.Open, FileAccess.Write);
        output.Position = offset;
        input.CopyTo(output);
    }

    /// <summary>A sparse file of <paramref name="size"/> bytes.</summary>
    public static string SparseFile(string name, long size)
    {
        var path = ScratchPath(name);
        File.Delete(path);
        using var stream = new FileStream(path, FileMode.CreateNew);
        stream.SetLength(size);
        return path;
    }
}

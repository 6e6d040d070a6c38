using System.Diagnostics;

namespace Vmie.Guest.Tests.Infrastructure;

/// <summary>Runs a tool that builds or checks a test image; a non-zero exit fails the test with its output.</summary>
internal static class ExternalTool
{
    private static readonly Lazy<string> Scratch = new(() => RunScratchDirectory.Create("vmie-guest-tests"), LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>
    /// Directory trees live in memory when the machine has a tmpfs at /dev/shm: copying the Debian rootfs's 6,800 files
    /// there (and deleting them) takes a tenth of the time it takes on a disk file system, and a tree lives only until
    /// its file system image is made (the rootfs copied from stays on disk: a test host that ends without its exit
    /// handlers leaves no memory behind).
    /// </summary>
    private static readonly Lazy<string> TreeScratch = new(
        () => Directory.Exists("/dev/shm") ? RunScratchDirectory.Create("vmie-guest-trees", "/dev/shm") : Scratch.Value,
        LazyThreadSafetyMode.ExecutionAndPublication);

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
        return Path.Combine(Scratch.Value, name);
    }

    /// <summary>A fresh path for a directory tree that becomes a file system image (in memory when it can be, see <see cref="TreeScratch"/>).</summary>
    public static string TreePath(string name)
    {
        return Path.Combine(TreeScratch.Value, name);
    }

    /// <summary>
    /// Copies <paramref name="source"/> into <paramref name="image"/> at <paramref name="offset"/> (dd conv=notrunc,sparse):
    /// zero blocks are skipped, so the target range must read as zeros already (a fresh sparse disk). Keeps the
    /// test disks sparse: a fresh file system is mostly zeros.
    /// </summary>
    public static void CopyInto(string image, long offset, string source) => CopyInto(image, offset, source, 0, new FileInfo(source).Length);

    /// <summary>Copies <paramref name="length"/> bytes of <paramref name="source"/> from <paramref name="sourceOffset"/> on, as <see cref="CopyInto(string, long, string)"/> does.</summary>
    public static void CopyInto(string image, long offset, string source, long sourceOffset, long length)
    {
        using var input = File.OpenRead(source);
        using var output = new FileStream(image, FileMode.Open, FileAccess.Write);
        input.Position = sourceOffset;
        var buffer = new byte[1 << 20];
        for (var position = 0L; position < length; position += buffer.Length)
        {
            var wanted = (int)Math.Min(buffer.Length, length - position);
            var read = input.ReadAtLeast(buffer.AsSpan(0, wanted), wanted, throwOnEndOfStream: false);
            if (read == 0)
            {
                break;
            }

            if (buffer.AsSpan(0, read).ContainsAnyExcept((byte)0))
            {
                output.Position = offset + position;
                output.Write(buffer, 0, read);
            }
        }

        if (output.Length < offset + length)
        {
            output.SetLength(offset + length);
        }
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

using System.Diagnostics;
using Vmie.TestSupport;

namespace Vmie.Ec2.Tests.ImageImports;

/// <summary>Runs the image-building tools the tests need (mkfs.ext4, sgdisk, qemu-img, tar...), failing with their output.</summary>
internal static class ImageTool
{
    public static void Run(string program, string debianPackage, params string[] arguments)
    {
        var path = RequiredTool.Require(program, debianPackage);
        var start = new ProcessStartInfo(path) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} exited with {process.ExitCode}: {stderr.Result}{stdout}");
        }
    }

    /// <summary>qemu-img convert to <paramref name="format"/> (vmdk is stream-optimized), next to the source.</summary>
    public static string Convert(string source, string format, string extension)
    {
        var target = Path.ChangeExtension(source, extension);
        if (!File.Exists(target))
        {
            var options = format == "vmdk" ? new[] { "-o", "subformat=streamOptimized" } : [];
            Run("qemu-img", "qemu-utils", ["convert", "-O", format, .. options, source, target]);
        }

        return target;
    }
}

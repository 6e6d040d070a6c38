using System.CommandLine;
using Vmie.Cli.Output;
using Vmie.Disks.Abstractions;
using Vmie.Disks.Conversion;
using Vmie.Disks.Detection;
using Vmie.Disks.Sources;

namespace Vmie.Cli.Commands;

/// <summary><c>vmie convert IN OUT [--to FORMAT]</c>: reads any supported image, writes the requested format.</summary>
internal static class ConvertCommand
{
    public static Command Create()
    {
        var input = new Argument<string>("IN") { Description = "The image to read (its format is detected from its content)." };
        var output = new Argument<string>("OUT") { Description = "The image to write (replaced if it exists)." };
        var to = new Option<string?>("--to", "-O") { Description = $"Output format: {TargetNames}. Default: from OUT's extension." };
        var command = new Command("convert", "Convert a disk image to another format, copying only the data it holds.") { input, output, to };
        command.SetAction(async (result, cancellationToken) =>
        {
            var inPath = result.GetValue(input)!;
            var outPath = result.GetValue(output)!;
            var requested = result.GetValue(to);
            var target = requested is null ? DiskImageTargets.FromExtension(outPath) : DiskImageTargets.Find(requested);
            if (target is null)
            {
                var asked = requested ?? (Path.GetExtension(outPath) is { Length: > 0 } extension ? extension : Path.GetFileName(outPath));
                await Console.Error.WriteLineAsync($"vmie convert: cannot write '{asked}' images; this version writes: {TargetNames}. Use --to.").ConfigureAwait(false);
                return 2;
            }

            if (string.Equals(Path.GetFullPath(inPath), Path.GetFullPath(outPath), StringComparison.Ordinal))
            {
                await Console.Error.WriteLineAsync("vmie convert: IN and OUT are the same file.").ConfigureAwait(false);
                return 2;
            }

            try
            {
                await using var opened = await DiskImageOpener.OpenAsync(FileBlockSource.Open(inPath), ExtentFiles.Beside(inPath), cancellationToken).ConfigureAwait(false);
                await ConversionProgress.RunAsync(
                    $"{Path.GetFileName(inPath)} -> {target.Name}",
                    opened.Disk.Capacity,
                    progress => target.WriteFileAsync(opened.Disk, outPath, progress, cancellationToken)).ConfigureAwait(false);
                return 0;
            }
            catch (Exception e) when (e is InvalidDiskImageException or IOException or UnauthorizedAccessException)
            {
                await Console.Error.WriteLineAsync($"vmie convert: {e.Message}").ConfigureAwait(false);
                return 1;
            }
        });
        return command;
    }

    private static string TargetNames => string.Join(", ", DiskImageTargets.All.Select(target => target.Name));
}

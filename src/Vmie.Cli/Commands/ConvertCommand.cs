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
        var diskNumber = new Option<int?>("--disk") { Description = "For an OVA: which disk to convert, 1 for the boot disk (the default)." };
        var command = new Command("convert", "Convert a disk image to another format, copying only the data it holds.") { input, output, to, diskNumber };
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
                var chosen = result.GetValue(diskNumber);
                var diskCount = opened.Package?.Disks.Count ?? 1;
                if (chosen is { } number && (number < 1 || number > diskCount))
                {
                    await Console.Error.WriteLineAsync($"vmie convert: {Path.GetFileName(inPath)} holds {diskCount} disk{(diskCount == 1 ? "" : "s")}; --disk must be from 1 to {diskCount}.").ConfigureAwait(false);
                    return 2;
                }

                if (chosen is null && diskCount > 1)
                {
                    await Console.Error.WriteLineAsync($"vmie convert: {Path.GetFileName(inPath)} holds {diskCount} disks; converting disk 1, the boot disk ({opened.Package!.Disks[0].FileName}). Use --disk N for another.").ConfigureAwait(false);
                }

                await using var other = chosen is > 1 ? await opened.Package!.Disks[chosen.Value - 1].OpenAsync(cancellationToken).ConfigureAwait(false) : null;
                var disk = other?.Disk ?? opened.Disk;
                await ConversionProgress.RunAsync(
                    $"{Path.GetFileName(inPath)} -> {target.Name}",
                    disk.Capacity,
                    progress => target.WriteFileAsync(disk, outPath, progress, cancellationToken)).ConfigureAwait(false);
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

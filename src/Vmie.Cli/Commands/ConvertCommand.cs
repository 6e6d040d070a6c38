using System.CommandLine;
using Vmie.Cli.Output;
using Vmie.Disks.Abstractions;
using Vmie.Disks.Detection;
using Vmie.Disks.Raw;
using Vmie.Disks.Sources;
using Vmie.Disks.Vhd;

namespace Vmie.Cli.Commands;

/// <summary><c>vmie convert IN OUT [--to FORMAT]</c>: reads any supported image, writes the requested format.</summary>
internal static class ConvertCommand
{
    private static readonly string[] Targets = ["raw", "vhd", "vhd-fixed"];

    public static Command Create()
    {
        var input = new Argument<string>("IN") { Description = "The image to read (its format is detected from its content)." };
        var output = new Argument<string>("OUT") { Description = "The image to write (replaced if it exists)." };
        var to = new Option<string?>("--to", "-O") { Description = $"Output format: {string.Join(", ", Targets)}. Default: from OUT's extension." };
        var command = new Command("convert", "Convert a disk image to another format, copying only the data it holds.") { input, output, to };
        command.SetAction(async (result, cancellationToken) =>
        {
            var inPath = result.GetValue(input)!;
            var outPath = result.GetValue(output)!;
            var target = (result.GetValue(to) ?? TargetFromExtension(outPath))?.ToLowerInvariant();
            if (target is null || !Targets.Contains(target))
            {
                await Console.Error.WriteLineAsync($"vmie convert: cannot write '{target ?? Path.GetExtension(outPath)}' images; this version writes: {string.Join(", ", Targets)}. Use --to.").ConfigureAwait(false);
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
                    $"{Path.GetFileName(inPath)} -> {target}",
                    opened.Disk.Capacity,
                    progress => WriteAsync(target, opened.Disk, outPath, progress, cancellationToken)).ConfigureAwait(false);
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

    private static Task WriteAsync(string target, IVirtualDisk disk, string path, IProgress<long> progress, CancellationToken cancellationToken) => target switch
    {
        "raw" => RawImageWriter.WriteFileAsync(disk, path, progress, cancellationToken),
        "vhd" => WriteStreamFileAsync(path, output => DynamicVhdWriter.WriteAsync(disk, output, cancellationToken: cancellationToken)),
        "vhd-fixed" => WriteStreamFileAsync(path, output => FixedVhdWriter.WriteAsync(disk, output, cancellationToken: cancellationToken)),
        _ => throw new ArgumentOutOfRangeException(nameof(target), target, "not a conversion target"),
    };

    /// <summary>Writes through a temporary file renamed into place, so a failed conversion leaves nothing behind.</summary>
    private static async Task WriteStreamFileAsync(string path, Func<Stream, Task<long>> write)
    {
        var temporary = path + ".vmie-partial";
        try
        {
            await using (var output = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20, FileOptions.Asynchronous))
            {
                await write(output).ConfigureAwait(false);
                output.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    private static string? TargetFromExtension(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".raw" or ".img" or ".bin" => "raw",
        ".vmdk" => "vmdk",
        ".vhd" => "vhd",
        ".vhdx" => "vhdx",
        ".ova" => "ova",
        _ => null,
    };
}

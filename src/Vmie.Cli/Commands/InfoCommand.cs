using System.CommandLine;
using System.Text.Json;
using Vmie.Cli.Output;
using Vmie.Disks.Abstractions;
using Vmie.Disks.Detection;
using Vmie.Disks.Sources;

namespace Vmie.Cli.Commands;

/// <summary><c>vmie info IMAGE [--json]</c>: what a disk image is, from its content.</summary>
internal static class InfoCommand
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public static Command Create()
    {
        var image = new Argument<string>("IMAGE") { Description = "A disk image file (raw, VMDK, VHD, VHDX...)." };
        var json = new Option<bool>("--json") { Description = "Print the facts as JSON." };
        var command = new Command("info", "Show a disk image's format, virtual size and allocated data.") { image, json };
        command.SetAction(async (result, cancellationToken) =>
        {
            var path = result.GetValue(image)!;
            try
            {
                await using var opened = await DiskImageOpener.OpenAsync(FileBlockSource.Open(path), ExtentFiles.Beside(path), cancellationToken).ConfigureAwait(false);
                long allocated = 0;
                await foreach (var extent in opened.Disk.GetAllocatedExtentsAsync(cancellationToken).ConfigureAwait(false))
                {
                    allocated += extent.Length;
                }

                var facts = new ImageFacts(
                    Path.GetFullPath(path),
                    DiskFormatSniffer.Name(opened.Format),
                    opened.Subformat,
                    opened.Disk.Capacity,
                    allocated,
                    new FileInfo(path).Length);
                if (result.GetValue(json))
                {
                    Console.WriteLine(JsonSerializer.Serialize(facts, Json));
                }
                else
                {
                    Console.WriteLine($"image:          {facts.Path}");
                    Console.WriteLine($"format:         {facts.Format}");
                    Console.WriteLine($"subformat:      {facts.Subformat}");
                    Console.WriteLine($"virtual size:   {ByteSize.Format(facts.VirtualSize)}");
                    Console.WriteLine($"allocated data: {ByteSize.Format(facts.AllocatedBytes)}");
                    Console.WriteLine($"file size:      {ByteSize.Format(facts.FileSize)}");
                }

                return 0;
            }
            catch (Exception e) when (e is InvalidDiskImageException or IOException or UnauthorizedAccessException)
            {
                await Console.Error.WriteLineAsync($"vmie info: {path}: {e.Message}").ConfigureAwait(false);
                return 1;
            }
        });
        return command;
    }

    private sealed record ImageFacts(string Path, string Format, string Subformat, long VirtualSize, long AllocatedBytes, long FileSize);
}

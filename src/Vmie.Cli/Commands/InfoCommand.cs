using System.CommandLine;
using System.Text.Json;
using Vmie.Cli.Output;
using Vmie.Disks.Abstractions;
using Vmie.Disks.Detection;
using Vmie.Disks.Sources;

namespace Vmie.Cli.Commands;

/// <summary><c>vmie info IMAGE [--json]</c>: what a disk image is, from its content; for an OVA, every disk in it.</summary>
internal static class InfoCommand
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public static Command Create()
    {
        var image = new Argument<string>("IMAGE") { Description = "A disk image file (raw, VMDK, VHD, VHDX, OVA...)." };
        var json = new Option<bool>("--json") { Description = "Print the facts as JSON." };
        var command = new Command("info", "Show a disk image's format, virtual size, allocated data and warnings.") { image, json };
        command.SetAction(async (result, cancellationToken) =>
        {
            var path = result.GetValue(image)!;
            try
            {
                await using var opened = await DiskImageOpener.OpenAsync(FileBlockSource.Open(path), ExtentFiles.Beside(path), cancellationToken).ConfigureAwait(false);
                var facts = new ImageFacts(
                    Path.GetFullPath(path),
                    DiskFormatSniffer.Name(opened.Format),
                    opened.Subformat,
                    opened.Disk.Capacity,
                    await AllocatedBytesAsync(opened.Disk, cancellationToken).ConfigureAwait(false),
                    new FileInfo(path).Length,
                    opened.Warnings,
                    await DescribeDisksAsync(opened, cancellationToken).ConfigureAwait(false));
                if (result.GetValue(json))
                {
                    Console.WriteLine(JsonSerializer.Serialize(facts, Json));
                }
                else
                {
                    Print(facts);
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

    private static void Print(ImageFacts facts)
    {
        Console.WriteLine($"image:          {facts.Path}");
        Console.WriteLine($"format:         {facts.Format}");
        Console.WriteLine($"subformat:      {facts.Subformat}");
        Console.WriteLine($"virtual size:   {ByteSize.Format(facts.VirtualSize)}");
        Console.WriteLine($"allocated data: {ByteSize.Format(facts.AllocatedBytes)}");
        Console.WriteLine($"file size:      {ByteSize.Format(facts.FileSize)}");
        if (facts.Disks is { } disks)
        {
            Console.WriteLine($"disks:          {disks.Count} (in boot order)");
            foreach (var disk in disks)
            {
                var place = disk.Controller is null ? "not attached" : $"{disk.Controller} {disk.ControllerAddress}:{disk.AddressOnParent}";
                Console.WriteLine($"  {disk.Index}. {disk.FileName}: {disk.Format} {disk.Subformat}, virtual {ByteSize.Format(disk.VirtualSize)}, allocated {ByteSize.Format(disk.AllocatedBytes)} ({place})");
            }
        }

        foreach (var warning in facts.Warnings)
        {
            Console.WriteLine($"warning:        {warning}");
        }
    }

    /// <summary>For an OVA, each disk the descriptor lists, opened to measure it; null for a lone disk image.</summary>
    private static async Task<IReadOnlyList<DiskFacts>?> DescribeDisksAsync(OpenedDiskImage opened, CancellationToken cancellationToken)
    {
        if (opened.Package is not { } package)
        {
            return null;
        }

        var disks = new List<DiskFacts>();
        foreach (var disk in package.Disks)
        {
            await using var image = await disk.OpenAsync(cancellationToken).ConfigureAwait(false);
            disks.Add(new DiskFacts(
                disks.Count + 1,
                disk.FileName,
                DiskFormatSniffer.Name(image.Format),
                image.Subformat,
                image.Disk.Capacity,
                await AllocatedBytesAsync(image.Disk, cancellationToken).ConfigureAwait(false),
                disk.Description.ControllerType,
                disk.Description.ControllerAddress,
                disk.Description.AddressOnParent));
        }

        return disks;
    }

    private static async Task<long> AllocatedBytesAsync(IVirtualDisk disk, CancellationToken cancellationToken)
    {
        long allocated = 0;
        await foreach (var extent in disk.GetAllocatedExtentsAsync(cancellationToken).ConfigureAwait(false))
        {
            allocated += extent.Length;
        }

        return allocated;
    }

    private sealed record ImageFacts(
        string Path,
        string Format,
        string Subformat,
        long VirtualSize,
        long AllocatedBytes,
        long FileSize,
        IReadOnlyList<string> Warnings,
        IReadOnlyList<DiskFacts>? Disks);

    private sealed record DiskFacts(
        int Index,
        string FileName,
        string Format,
        string Subformat,
        long VirtualSize,
        long AllocatedBytes,
        string? Controller,
        int? ControllerAddress,
        int? AddressOnParent);
}

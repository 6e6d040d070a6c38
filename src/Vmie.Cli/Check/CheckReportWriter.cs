using Spectre.Console;
using Vmie.Cli.Output;
using Vmie.Guest.Inspection;
using Vmie.Guest.Volumes.Partitions;

namespace Vmie.Cli.Check;

/// <summary>The readable report of `vmie check`: Spectre tables on a terminal, plain lines when piped.</summary>
internal static class CheckReportWriter
{
    public static void Write(GuestInspection inspection, bool useTables)
    {
        ArgumentNullException.ThrowIfNull(inspection);
        foreach (var disk in inspection.Disks)
        {
            Console.WriteLine($"disk {disk.Index}: {disk.Name} ({disk.FormatName}, virtual {ByteSize.Format(disk.VirtualSize)}, {TableName(disk.PartitionTable?.Kind)})");
        }

        if (useTables)
        {
            var volumes = new Table().AddColumns("device", "partition type", "size", "content", "label", "uuid");
            foreach (var volume in inspection.Volumes)
            {
                volumes.AddRow(Markup.Escape(volume.DeviceName), Markup.Escape(volume.PartitionType), ByteSize.Format(volume.Length),
                    Markup.Escape(volume.Content + (volume.FileSystemError is null ? "" : $" ({volume.FileSystemError})")), Markup.Escape(volume.Label ?? ""), Markup.Escape(volume.Uuid ?? ""));
            }

            AnsiConsole.Write(volumes);
        }
        else
        {
            foreach (var volume in inspection.Volumes)
            {
                Console.WriteLine($"volume {volume.DeviceName}: {volume.PartitionType}, {ByteSize.Format(volume.Length)}, {volume.Content}{(volume.Label is null ? "" : $" label={volume.Label}")}{(volume.Uuid is null ? "" : $" uuid={volume.Uuid}")}{(volume.FileSystemError is null ? "" : $" ({volume.FileSystemError})")}");
            }
        }

        var os = inspection.OperatingSystem;
        Console.WriteLine($"os: {(os is null ? "none found" : $"{os.Name} ({os.Kind}, {os.Architecture}) on {os.RootDevice}")}");
        if (inspection.Linux is { } linux)
        {
            Console.WriteLine($"kernel: {linux.DefaultKernel?.Version ?? "none"}{(linux.Kernels.Count > 1 ? $" (installed: {string.Join(", ", linux.Kernels.Select(kernel => kernel.Version))})" : "")}");
            Console.WriteLine($"boot loader: {linux.BootLoader.Primary?.Path ?? "none"}");
        }

        foreach (var mount in inspection.Mounts)
        {
            Console.WriteLine($"mount {mount.MountPoint}: {mount.Spec} → {mount.DeviceName ?? "not found"}{(mount.Problem is null ? "" : $" ({mount.Problem})")}");
        }

        Console.WriteLine($"boot mode: {CheckReport.BootModesText(inspection.BootModes)}");
        foreach (var line in inspection.BootModeEvidence)
        {
            Console.WriteLine($"  {line}");
        }

        if (inspection.WindowsBoot is { } windowsBoot)
        {
            Console.WriteLine($"windows boot: default {CheckReport.WindowsBootModesText(windowsBoot.DefaultMode)}, "
                + $"GPT to MBR conversion {(windowsBoot.GptToMbrConversion ? "yes" : "no")}, EMS {(windowsBoot.IsEmsEnabled ? "on" : "off")}");
        }

        if (useTables && inspection.Verdicts.Count > 0)
        {
            var verdicts = new Table().AddColumns("severity", "status message", "evidence", "fix");
            foreach (var verdict in inspection.Verdicts)
            {
                verdicts.AddRow(verdict.Severity.ToString(), Markup.Escape(verdict.StatusMessage), Markup.Escape(verdict.Evidence), Markup.Escape(verdict.Fix));
            }

            AnsiConsole.Write(verdicts);
        }
        else
        {
            foreach (var verdict in inspection.Verdicts)
            {
                Console.WriteLine($"{verdict.Severity.ToString().ToUpperInvariant()} {verdict.Code}: {verdict.StatusMessage}");
                if (verdict.Evidence.Length > 0 && !verdict.StatusMessage.EndsWith(verdict.Evidence, StringComparison.Ordinal))
                {
                    Console.WriteLine($"  evidence: {verdict.Evidence}");
                }

                Console.WriteLine($"  fix: {verdict.Fix}");
            }
        }

        Console.WriteLine(inspection.WouldImportSucceed ? "result: an AWS-style import would succeed" : "result: an AWS-style import would fail");
    }

    private static string TableName(PartitionTableKind? kind) => kind switch
    {
        null => "unreadable partition table",
        PartitionTableKind.None => "no partition table",
        { } known => $"{known.ToString().ToUpperInvariant()} partition table",
    };
}

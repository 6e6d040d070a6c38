using Vmie.Guest.Inspection;
using Vmie.Guest.Windows;

namespace Vmie.Cli.Check;

/// <summary>The JSON shape of `vmie check --json`: stable names, no reader internals.</summary>
internal sealed record CheckReport(
    bool ImportWouldSucceed,
    IReadOnlyList<CheckReport.DiskEntry> Disks,
    IReadOnlyList<InspectedVolume> Volumes,
    GuestOperatingSystem? OperatingSystem,
    string? BootLoader,
    IReadOnlyList<string> Kernels,
    IReadOnlyList<InspectedMount> Mounts,
    string BootModes,
    IReadOnlyList<string> BootModeEvidence,
    CheckReport.WindowsBootEntry? WindowsBoot,
    IReadOnlyList<Verdict> Verdicts)
{
    public static CheckReport From(GuestInspection inspection)
    {
        ArgumentNullException.ThrowIfNull(inspection);
        return new CheckReport(
            inspection.WouldImportSucceed,
            [.. inspection.Disks.Select(disk => new DiskEntry(
                disk.Index,
                disk.Name,
                disk.FormatName,
                disk.VirtualSize,
                disk.PartitionTable?.Kind.ToString(),
                [.. disk.PartitionTable?.Partitions.Select(partition => new PartitionEntry(partition.Number, partition.Start, partition.Length, partition.TypeName, partition.IsActive)) ?? []]))],
            inspection.Volumes,
            inspection.OperatingSystem,
            inspection.Linux?.BootLoader.Primary?.Path,
            [.. inspection.Linux?.Kernels.Select(kernel => kernel.Version) ?? []],
            inspection.Mounts,
            BootModesText(inspection.BootModes),
            inspection.BootModeEvidence,
            inspection.WindowsBoot is { } boot
                ? new WindowsBootEntry(WindowsBootModesText(boot.SupportedModes), WindowsBootModesText(boot.DefaultMode), boot.GptToMbrConversion, boot.IsEmsEnabled)
                : null,
            inspection.Verdicts);
    }

    public static string BootModesText(Vmie.Guest.Inspection.BootModes modes) => modes switch
    {
        Vmie.Guest.Inspection.BootModes.LegacyBios | Vmie.Guest.Inspection.BootModes.Uefi => "legacy-bios+uefi",
        Vmie.Guest.Inspection.BootModes.LegacyBios => "legacy-bios",
        Vmie.Guest.Inspection.BootModes.Uefi => "uefi",
        _ => "none",
    };

    public static string WindowsBootModesText(WindowsBootModes modes) => BootModesText((Vmie.Guest.Inspection.BootModes)(int)modes);

    /// <summary>A Windows guest's boot facts (spec §4.3): modes its boot volumes support, the default, GPT→MBR conversion, EMS.</summary>
    internal sealed record WindowsBootEntry(string SupportedModes, string DefaultMode, bool GptToMbrConversion, bool EmsEnabled);

    internal sealed record DiskEntry(int Index, string Name, string Format, long VirtualSize, string? PartitionTable, IReadOnlyList<PartitionEntry> Partitions);

    internal sealed record PartitionEntry(int Number, long Start, long Length, string Type, bool Active);
}

using Vmie.Guest.Windows;

namespace Vmie.Guest.Inspection;

/// <summary>
/// What a Windows system volume's facts mean for an import (spec §4.2.2, §5.3, §13.4): pure, no I/O, so every
/// rule is tested on facts built by hand.
/// </summary>
public static class WindowsVerdictRules
{
    /// <summary>Spec §5.3 item 1: at least 6 GiB free on the root volume.</summary>
    public const long MinimumFreeBytes = 6L << 30;

    /// <param name="boot">The boot disk's Windows boot facts, when known: they sharpen the UEFI requirement and add EMS and GPT→MBR findings.</param>
    public static IReadOnlyList<Verdict> Evaluate(WindowsInspection windows, string device, WindowsBootInspection? boot = null)
    {
        ArgumentNullException.ThrowIfNull(windows);
        ArgumentNullException.ThrowIfNull(device);
        var verdicts = new List<Verdict>();
        var productName = windows.Version?.ProductName ?? "(no ProductName)";
        var versionEvidence = $"{device}: {windows.SystemRoot}/System32/config/SOFTWARE {WindowsCurrentVersion.KeyPath}: ProductName \"{productName}\", build {windows.Version?.Build?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?"}";
        var row = windows.Product == WindowsProduct.Unknown ? null : SupportMatrix.FindWindows(WindowsProducts.DisplayName(windows.Product));
        if (row is null)
        {
            verdicts.Add(Fail(
                "windows-unknown-version",
                ImportStatusMessages.UnknownOs,
                versionEvidence,
                "Import a Windows version of the supported list (spec §4.2.2): Windows Server 2008 R2 to 2025, Windows 7 to 11."));
            return verdicts;
        }

        if (windows.Architecture == WindowsArchitecture.Arm64)
        {
            verdicts.Add(Fail("arm64", ImportStatusMessages.Arm64, $"{device}: {windows.ArchitectureEvidence}", "Import an x86 or x64 installation of Windows."));
        }
        else if (windows.Bits is { } bits && !row.Bits.Contains(bits))
        {
            verdicts.Add(Fail("windows-bits", ImportStatusMessages.UnsupportedWindowsEdition, $"{device}: {windows.ArchitectureEvidence} ({bits}-bit); {row.Product} is supported in {string.Join(" and ", row.Bits)}-bit", $"Import the 64-bit edition of {row.Product}."));
        }

        if (windows.IsNanoServer)
        {
            verdicts.Add(Fail("windows-nano-server", ImportStatusMessages.NanoServer, $"{versionEvidence}, InstallationType \"Nano Server\"", "Import a Server (Desktop Experience) or Server Core installation."));
        }
        else if (windows.Version?.EditionId is { Length: > 0 } edition && !row.MatchesEdition(edition))
        {
            verdicts.Add(Fail("windows-edition", ImportStatusMessages.UnsupportedWindowsEdition, $"{versionEvidence}, EditionID \"{edition}\"; {row.Product} is supported in {string.Join(", ", row.Editions)}", $"Import a supported edition of {row.Product}."));
        }

        if (windows.IsUsEnglish == false)
        {
            var language = windows.System?.DefaultUiLanguage ?? windows.System?.InstallLanguage;
            verdicts.Add(Fail("windows-language", ImportStatusMessages.WindowsNotUsEnglish, $"{device}: SYSTEM Control\\Nls\\Language: {language}", "Switch the system to the US English language pack before exporting the VM."));
        }

        if (windows.HasHyperVRole)
        {
            verdicts.Add(Fail("windows-hyper-v-role", ImportStatusMessages.WindowsFirstBootFailure, $"{device}: SYSTEM Services\\vmms (the Hyper-V Virtual Machine Management service) is installed", "Remove the Hyper-V server role, then export the VM again."));
        }

        if (row.RequiresUefi && boot is not null && !boot.SupportedModes.HasFlag(WindowsBootModes.Uefi))
        {
            verdicts.Add(Fail("windows-requires-uefi", ImportStatusMessages.WindowsFirstBootFailure,
                $"{versionEvidence}; {row.Product} requires UEFI boot, but the boot disk has no EFI System Partition with \\EFI\\Microsoft\\Boot\\bootmgfw.efi",
                "Convert the disk to GPT with an EFI System Partition (mbr2gpt), then import with --boot-mode uefi."));
        }
        else if (row.RequiresUefi && boot?.DefaultMode != WindowsBootModes.Uefi)
        {
            verdicts.Add(Warning("windows-requires-uefi", $"{row.Product} requires UEFI boot", versionEvidence, "Import with --boot-mode uefi."));
        }

        if (boot?.IsEmsEnabled == true)
        {
            verdicts.Add(Warning("windows-ems", "Emergency Management Services (EMS) is enabled in the BCD store; it is not supported and will be disabled in the imported image",
                string.Join(" ", boot.Evidence.Where(line => line.Contains("EMS", StringComparison.Ordinal))), "Nothing to do, or turn EMS off with bcdedit /ems off before export (spec §5.3 item 4)."));
        }

        if (boot?.GptToMbrConversion == true)
        {
            verdicts.Add(new Verdict("windows-gpt-to-mbr", VerdictSeverity.Info,
                "The UEFI GPT boot disk will be converted to an MBR disk with a BIOS boot partition on import",
                $"{boot.Disk.Format} image, {boot.Disk.VirtualSize} bytes, {boot.Disk.PrimaryPartitionCount} primary partitions", "Nothing to do (spec §4.3)."));
        }

        if (windows.Pagefile?.IsSystemManaged == true)
        {
            verdicts.Add(Warning("windows-pagefile", "The pagefile size is managed by Windows: it can grow to 16 GB on the instance's C: drive", $"{device}: SYSTEM Memory Management PagingFiles", "Set a fixed pagefile size (spec §5.3 item 1)."));
        }

        if (windows.SystemVolumeSpace is { } space && space.FreeBytes < MinimumFreeBytes)
        {
            verdicts.Add(Warning("windows-free-space", $"Only {space.FreeBytes >> 20} MiB free on the system volume; keep at least 6 GiB free", $"{device}: {space.FreeBytes} of {space.TotalBytes} bytes free", "Free space on the system volume before exporting the VM."));
        }

        if (SupportMatrix.IsWindowsEndOfLife(row))
        {
            verdicts.Add(Warning("windows-end-of-life", $"{row.Product} is end of life: VM Import/Export is deprecating it", versionEvidence, "Upgrade to a supported Windows version."));
        }

        foreach (var warning in windows.Warnings)
        {
            verdicts.Add(Warning("windows-inspection", warning, device, "Check the Windows installation's registry hives."));
        }

        return verdicts;
    }

    private static Verdict Fail(string code, string message, string evidence, string fix) =>
        new(code, VerdictSeverity.Fail, message, evidence, fix);

    private static Verdict Warning(string code, string message, string evidence, string fix) =>
        new(code, VerdictSeverity.Warning, ImportStatusMessages.WarningPrefix + message, evidence, fix);
}

using Vmie.Disks.Detection;
using Vmie.Guest.FileSystems;
using Vmie.Guest.Volumes;
using Vmie.Guest.Volumes.Partitions;
using Vmie.Guest.Windows;
using Vmie.Guest.Windows.Registry;

namespace Vmie.Guest.Inspection;

/// <summary>
/// The Windows boot facts of the boot disk (spec §4.3): its active MBR partitions (BIOS: \bootmgr and \Boot\BCD) and
/// EFI System Partitions (UEFI: \EFI\Microsoft\Boot\bootmgfw.efi) looked at with <see cref="WindowsBootVolume"/>, the
/// modes combined by <see cref="WindowsBootModeRules"/>, the default mode and GPT→MBR eligibility judged on the
/// image format, virtual size, primary partition count and dynamic-disk layout.
/// </summary>
public static class WindowsBootDetector
{
    public static async Task<WindowsBootInspection> DetectAsync(
        InspectedDiskInput bootDisk,
        GuestVolumeSet volumeSet,
        IReadOnlyDictionary<GuestVolume, IGuestFileSystem> opened,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(bootDisk);
        ArgumentNullException.ThrowIfNull(volumeSet);
        ArgumentNullException.ThrowIfNull(opened);
        var table = volumeSet.PartitionTables.Count > 0 ? volumeSet.PartitionTables[0] : null;
        var evidence = new List<string>();
        var volumes = new List<(string, WindowsBootVolume)>();
        if (table is null)
        {
            evidence.Add("The boot disk's partition table cannot be read.");
        }
        else if (table.Kind == PartitionTableKind.Mbr && !table.HasBootCode)
        {
            evidence.Add("Legacy BIOS: the MBR holds no boot code.");
        }

        foreach (var volume in volumeSet.Volumes.Where(volume => volume.DiskIndex == 0 && volume.Partition is not null))
        {
            var partition = volume.Partition!;
            var active = table is { Kind: PartitionTableKind.Mbr, HasBootCode: true } && partition.IsActive && !partition.IsExtended;
            var esp = partition.IsEfiSystem;
            if (!active && !esp)
            {
                continue;
            }

            var role = active && esp ? "active EFI System Partition" : active ? "active partition" : "EFI System Partition";
            if (!opened.TryGetValue(volume, out var fileSystem))
            {
                evidence.Add($"{volume.DeviceName} ({role}) cannot be read: it holds {volume.Content.TypeName}.");
                continue;
            }

            WindowsBootVolume boot;
            try
            {
                boot = await WindowsBootVolume.InspectAsync(new GuestFiles(fileSystem), active, esp, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is CorruptHiveException or CorruptFileSystemException)
            {
                evidence.Add($"{volume.DeviceName} ({role}): the boot files cannot be read: {e.Message}");
                continue;
            }

            volumes.Add((volume.DeviceName, boot));
            evidence.Add(Describe(volume.DeviceName, role, boot));
        }

        var supported = WindowsBootModeRules.Detect(volumes.Select(volume => volume.Item2));
        var disk = new WindowsDiskFacts(
            ParseFormat(bootDisk.FormatName),
            bootDisk.VirtualSize,
            table?.Kind ?? PartitionTableKind.None,
            table?.Partitions.Count(partition => !partition.IsLogical) ?? 0,
            table?.IsDynamicDisk == true);
        var defaultMode = WindowsBootModeRules.DefaultBootMode(supported, disk);
        var conversion = supported.HasFlag(WindowsBootModes.Uefi) && WindowsBootModeRules.IsGptToMbrConversionEligible(disk);
        if (supported == WindowsBootModes.None && volumes.Count == 0 && table is not null)
        {
            evidence.Add("No active MBR partition and no EFI System Partition on the boot disk.");
        }

        return new WindowsBootInspection
        {
            SupportedModes = supported,
            DefaultMode = defaultMode,
            GptToMbrConversion = conversion,
            Disk = disk,
            IsEmsEnabled = volumes.Any(volume => volume.Item2.Bcd?.IsEmsEnabled == true),
            Volumes = volumes,
            Evidence = evidence,
        };
    }

    /// <summary>The format of a name as `vmie info` prints it ("VHDX", "VMDK streamOptimized", "raw"); Raw when unknown.</summary>
    public static DiskFormat ParseFormat(string formatName)
    {
        ArgumentNullException.ThrowIfNull(formatName);
        return Enum.GetValues<DiskFormat>()
            .Select(format => (Format: format, Name: DiskFormatSniffer.Name(format)))
            .Where(entry => string.Equals(formatName, entry.Name, StringComparison.OrdinalIgnoreCase)
                || formatName.StartsWith(entry.Name + " ", StringComparison.OrdinalIgnoreCase))
            .OrderByDescending(entry => entry.Name.Length)
            .Select(entry => entry.Format)
            .DefaultIfEmpty(DiskFormat.Raw)
            .First();
    }

    private static string Describe(string device, string role, WindowsBootVolume boot)
    {
        var found = new List<string>();
        if (boot.HasBiosBootManager)
        {
            found.Add(WindowsBootVolume.BiosBootManager);
        }

        if (boot.HasBiosBcd)
        {
            found.Add(WindowsBootVolume.BiosBcd);
        }

        if (boot.HasUefiBootManager)
        {
            found.Add(WindowsBootVolume.UefiBootManager);
        }

        if (boot.HasUefiFallback)
        {
            found.Add(WindowsBootVolume.UefiFallback);
        }

        var modes = boot.SupportedModes switch
        {
            WindowsBootModes.Both => "legacy BIOS and UEFI",
            WindowsBootModes.LegacyBios => "legacy BIOS",
            WindowsBootModes.Uefi => "UEFI",
            _ => "no boot mode",
        };
        var ems = boot.Bcd?.IsEmsEnabled == true ? $"; EMS on in {boot.BcdPath} for {string.Join(", ", boot.Bcd.EmsEnabledObjects)}" : "";
        return $"{device} ({role}): {(found.Count == 0 ? "no Windows boot files" : string.Join(", ", found))} → {modes}{ems}.";
    }
}

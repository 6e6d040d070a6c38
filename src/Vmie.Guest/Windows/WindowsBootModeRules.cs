using Vmie.Disks.Detection;
using Vmie.Guest.Volumes.Partitions;

namespace Vmie.Guest.Windows;

/// <summary>
/// Spec §4.3 rules for Windows boot modes, as pure functions. "2 TB" and "2 TiB" are both read as 2 TiB: the
/// limit comes from MBR's 32-bit sector addresses (2^32 × 512 bytes), which is what both rules guard (spec §15.2
/// notes the inconsistency).
/// </summary>
public static class WindowsBootModeRules
{
    public const long TwoTebibytes = 2L << 40;

    /// <summary>Primary partitions allowed for the legacy BIOS default (spec §4.3: "no more than 4").</summary>
    public const int MaxPrimaryPartitionsForBiosDefault = 4;

    /// <summary>Primary partitions allowed for GPT→MBR conversion (spec §4.3: "no more than three").</summary>
    public const int MaxPrimaryPartitionsForConversion = 3;

    /// <summary>The modes the boot volumes support together.</summary>
    public static WindowsBootModes Detect(IEnumerable<WindowsBootVolume> volumes)
    {
        ArgumentNullException.ThrowIfNull(volumes);
        var modes = WindowsBootModes.None;
        foreach (var volume in volumes)
        {
            modes |= volume.SupportedModes;
        }

        return modes;
    }

    /// <summary>
    /// The mode an import without --boot-mode uses: the only one supported; with both, legacy BIOS when the disk is
    /// smaller than 2 TiB, has at most 4 primary partitions, is not dynamic and is a VHDX, else UEFI. None when the
    /// disk supports neither.
    /// </summary>
    public static WindowsBootModes DefaultBootMode(WindowsBootModes supported, WindowsDiskFacts disk)
    {
        ArgumentNullException.ThrowIfNull(disk);
        return supported switch
        {
            WindowsBootModes.Both => disk.VirtualSize < TwoTebibytes
                && disk.PrimaryPartitionCount <= MaxPrimaryPartitionsForBiosDefault
                && !disk.IsDynamicDisk
                && disk.Format == DiskFormat.Vhdx
                    ? WindowsBootModes.LegacyBios
                    : WindowsBootModes.Uefi,
            _ => supported,
        };
    }

    /// <summary>
    /// Whether a UEFI Windows GPT boot disk is converted to MBR on import: a GPT VHDX of at most 2 TiB uncompressed,
    /// at most three primary partitions, not dynamic.
    /// </summary>
    public static bool IsGptToMbrConversionEligible(WindowsDiskFacts disk)
    {
        ArgumentNullException.ThrowIfNull(disk);
        return disk.PartitionTable == PartitionTableKind.Gpt
            && disk.Format == DiskFormat.Vhdx
            && disk.VirtualSize <= TwoTebibytes
            && disk.PrimaryPartitionCount <= MaxPrimaryPartitionsForConversion
            && !disk.IsDynamicDisk;
    }
}

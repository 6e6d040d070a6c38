using Vmie.Guest.Linux;
using Vmie.Guest.Volumes.Partitions;

namespace Vmie.Guest.Inspection;

/// <summary>
/// The firmware modes the boot disk can start in (issue 4 point 5, spec §4.3), from its layout and the boot loader:
/// UEFI needs an EFI System Partition with a loader under /EFI; legacy BIOS needs boot code in sector 0 and, on
/// MBR, an active partition (Windows' and SYSLINUX's MBR code look for it; GRUB's does not), on GPT a BIOS boot
/// partition for GRUB's core image or a hybrid MBR.
/// </summary>
public static class BootModeDetector
{
    public static (BootModes Modes, IReadOnlyList<string> Evidence) Detect(PartitionTable? bootDisk, EfiSystemPartitionContents? esp, LinuxBootLoader? bootLoader)
    {
        var evidence = new List<string>();
        var modes = BootModes.None;
        if (bootDisk is null)
        {
            evidence.Add("The boot disk's partition table cannot be read.");
            return (modes, evidence);
        }

        if (esp is null)
        {
            evidence.Add("UEFI: no EFI System Partition on the boot disk.");
        }
        else if (esp.Loaders.Count == 0)
        {
            evidence.Add($"UEFI: the EFI System Partition {esp.DeviceName} holds no loader under /EFI{(esp.Error is null ? "" : $" ({esp.Error})")}.");
        }
        else
        {
            modes |= BootModes.Uefi;
            evidence.Add($"UEFI: {esp.DeviceName} holds {string.Join(", ", esp.Loaders)}.");
        }

        var grubBios = bootLoader?.BiosGrubInstalled == true;
        switch (bootDisk.Kind)
        {
            case PartitionTableKind.Mbr when !bootDisk.HasBootCode:
                evidence.Add("Legacy BIOS: the MBR holds no boot code.");
                break;
            case PartitionTableKind.Mbr:
                var active = bootDisk.Partitions.FirstOrDefault(partition => partition.IsActive && !partition.IsExtended);
                if (active is not null)
                {
                    modes |= BootModes.LegacyBios;
                    evidence.Add($"Legacy BIOS: MBR boot code and active partition {active.Number}.");
                }
                else if (grubBios)
                {
                    modes |= BootModes.LegacyBios;
                    evidence.Add("Legacy BIOS: MBR boot code and GRUB for i386-pc (no active partition; GRUB does not need one).");
                }
                else
                {
                    evidence.Add("Legacy BIOS: MBR boot code but no active partition.");
                }

                break;
            case PartitionTableKind.Gpt when !bootDisk.HasBootCode:
                evidence.Add("Legacy BIOS: the protective MBR holds no boot code.");
                break;
            case PartitionTableKind.Gpt when bootDisk.ProtectiveMbr == ProtectiveMbrKind.Hybrid:
                modes |= BootModes.LegacyBios;
                evidence.Add("Legacy BIOS: hybrid MBR with boot code.");
                break;
            case PartitionTableKind.Gpt:
                var biosBoot = bootDisk.Partitions.FirstOrDefault(partition => partition.IsBiosBoot);
                if (biosBoot is not null)
                {
                    modes |= BootModes.LegacyBios;
                    evidence.Add($"Legacy BIOS: protective MBR boot code and BIOS boot partition {biosBoot.Number}.");
                }
                else
                {
                    evidence.Add("Legacy BIOS: GPT without a BIOS boot partition.");
                }

                break;
            default:
                evidence.Add("Legacy BIOS: the boot disk has no partition table.");
                break;
        }

        if (bootLoader?.IsHybridGrub2 == true)
        {
            evidence.Add("GRUB 2 is installed for both BIOS (i386-pc) and UEFI.");
        }

        return (modes, evidence);
    }
}

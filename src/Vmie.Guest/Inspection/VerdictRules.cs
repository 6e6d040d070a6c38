using System.Globalization;
using Vmie.Guest.Linux;
using Vmie.Guest.Volumes;

namespace Vmie.Guest.Inspection;

/// <summary>
/// Judges the facts of a guest as VM Import does (issue 4 point 6; spec §4.2–§4.4, §5, §13): one verdict per
/// finding, with the documented StatusMessage, the evidence and the fix. Pure: no I/O.
/// </summary>
public static class VerdictRules
{
    public const int MaxVolumes = 21;
    public const long MaxImageBytes = 16L << 40;
    public const long MaxImportImageDiskBytes = 8L << 40;
    public const long MinRootFreeBytes = 250L << 20;

    private static readonly string[] SupportedRootFileSystems = ["ext2", "ext3", "ext4", "btrfs", "jfs", "xfs"];

    public static IReadOnlyList<Verdict> Evaluate(VerdictFacts facts)
    {
        ArgumentNullException.ThrowIfNull(facts);
        var verdicts = new List<Verdict>();
        AddDiskVerdicts(facts, verdicts);
        AddOperatingSystemVerdicts(facts, verdicts);
        if (facts.Linux is { } linux)
        {
            AddLinuxVerdicts(facts, linux, verdicts);
        }

        verdicts.AddRange(facts.WindowsVerdicts);
        if (facts.BootModes == BootModes.None)
        {
            verdicts.Add(Fail("no-bootable-partition", ImportStatusMessages.NoBootablePartition,
                "The boot disk has neither BIOS boot code with a bootable partition nor an EFI System Partition with a loader.",
                "Install the boot loader on the first disk (grub-install, or bcdboot for Windows) and mark the boot partition active on MBR disks."));
        }

        return verdicts;
    }

    private static void AddDiskVerdicts(VerdictFacts facts, List<Verdict> verdicts)
    {
        if (facts.DiskVirtualSizes.Count > MaxVolumes)
        {
            verdicts.Add(Fail("too-many-volumes", ImportStatusMessages.TooManyVolumes,
                $"{facts.DiskVirtualSizes.Count} disks.", "Import the boot disk with at most 20 other disks; import the rest one at a time with ImportSnapshot."));
        }

        for (var i = 0; i < facts.DiskVirtualSizes.Count; i++)
        {
            var size = facts.DiskVirtualSizes[i];
            if (size >= MaxImageBytes)
            {
                verdicts.Add(Fail("image-too-large", ImportStatusMessages.ImageTooLarge, $"Disk {i}: {Bytes(size)} virtual.", "Shrink the disk below 16 TiB."));
            }
            else if (size >= MaxImportImageDiskBytes)
            {
                verdicts.Add(Fail("disk-too-large", ImportStatusMessages.ImportImageDiskTooLarge, $"Disk {i}: {Bytes(size)} virtual.", "Shrink the disk below 8 TiB."));
            }
        }

        foreach (var problem in facts.VolumeProblems)
        {
            verdicts.Add(problem.Kind switch
            {
                VolumeProblemKind.LvmActivationFailed => Fail("lvm-activation-failed", ImportStatusMessages.LvmActivationFailed, problem.Detail,
                    "Check that every physical volume of the volume group is among the disks, and that the image files are complete."),
                VolumeProblemKind.EncryptedVolume => Fail("encrypted-volume", ImportStatusMessages.EncryptedVolume, problem.Detail,
                    "Decrypt the volume in the source VM (or move its data to an unencrypted volume); use --encrypted for EBS encryption instead."),
                VolumeProblemKind.DynamicDisk => Fail("dynamic-disk", ImportStatusMessages.DynamicDisk, problem.Detail,
                    "Convert the disk back to a basic disk in Disk Management before export."),
                _ => Fail("corrupt-partition-table", ImportStatusMessages.CorruptPartitionTable, problem.Detail,
                    "Repair the partition table (gdisk, fdisk) in the source VM and export again."),
            });
        }
    }

    private static void AddOperatingSystemVerdicts(VerdictFacts facts, List<Verdict> verdicts)
    {
        if (facts.LinuxRootDevices.Count > 1)
        {
            verdicts.Add(Fail("multiple-etc", ImportStatusMessages.MultipleDirectories,
                $"/etc with a release file or fstab on {string.Join(", ", facts.LinuxRootDevices)}.",
                "Import only the disks of one installation: remove other root file systems (dual boot, copies of / on data disks)."));
        }

        if (facts.Linux is null && facts.WindowsRoots.Count == 0)
        {
            verdicts.Add(Fail("unknown-os", ImportStatusMessages.UnknownOs,
                "No volume holds a Linux root (/etc with a release file or fstab, next to /usr or /bin) or a Windows directory.",
                "Check that the boot disk is the first image and that it holds a supported operating system (spec §4.2)."));
        }
    }

    private static void AddLinuxVerdicts(VerdictFacts facts, LinuxInspection linux, List<Verdict> verdicts)
    {
        AddReleaseAndKernelVerdicts(linux, verdicts);
        AddArchitectureVerdicts(linux, verdicts);
        AddBootLoaderVerdicts(linux, verdicts);
        AddFileSystemVerdicts(facts, linux, verdicts);
        AddBootModeVerdicts(facts, linux, verdicts);
        AddDriverAndSpaceWarnings(linux, verdicts);
        foreach (var mount in facts.Mounts.Where(mount => mount.Problem is not null))
        {
            verdicts.Add(Warning("mount-not-found", $"fstab mounts {mount.Spec} on {mount.MountPoint}, but {mount.Problem}",
                "Attach every disk of the VM, boot disk first, or remove the line from /etc/fstab (or add nofail)."));
        }
    }

    private static void AddReleaseAndKernelVerdicts(LinuxInspection linux, List<Verdict> verdicts)
    {
        var release = linux.Release;
        if (release is null || release.Distribution == LinuxDistribution.Other)
        {
            verdicts.Add(Fail("unknown-os", ImportStatusMessages.UnknownOs,
                release is null ? "No release file (/etc/os-release, /usr/lib/os-release, /etc/*-release) names the distribution." : $"{Describe(release)} is not a supported distribution.",
                "Import one of the distributions of the support table (spec §4.2.1); keep /etc/os-release in place."));
            return;
        }

        var rows = SupportMatrix.FindLinuxRows(release.Distribution, release.Version, release.ServicePack);
        if (rows.Count == 0)
        {
            rows = SupportMatrix.FindLinuxRowsOfMajor(release.Distribution, release.Version);
            if (rows.Count == 0)
            {
                verdicts.Add(Fail("unsupported-version", ImportStatusMessages.UnknownOs, $"{Describe(release)}: version {release.Version ?? "unknown"} is not in the support table.",
                    "Upgrade or reinstall to a supported version (spec §4.2.1)."));
                return;
            }

            verdicts.Add(Warning("unlisted-version", $"{Describe(release)}: version {release.Version} is not listed in the support table; the kernels of the same major version are accepted.",
                "Prefer a listed version: VM Import is tested on those."));
        }

        if (SupportMatrix.IsLinuxEndOfLife(release.Distribution, release.Version))
        {
            verdicts.Add(Warning("end-of-life", $"{Describe(release)} is end of life; VM Import deprecates it from 1 February 2026.", "Upgrade to a maintained version."));
        }

        if (linux.DefaultKernel is null)
        {
            verdicts.Add(linux.Kernels.Count == 0
                ? Fail("no-kernel", ImportStatusMessages.UnknownOs, "No kernel in /boot (vmlinuz-*) or /lib/modules.", "Install the distribution's kernel package.")
                : Fail("kernel-unsupported", ImportStatusMessages.UnsupportedKernel,
                    $"The boot loader's default kernel ({linux.BootLoader.DefaultKernelPath ?? "none"}) is not installed; installed: {string.Join(", ", linux.Kernels.Select(kernel => kernel.Version))}.",
                    "Regenerate the boot configuration (grub2-mkconfig / update-grub) so that it boots an installed kernel."));
            return;
        }

        var version = linux.DefaultKernel.Version;
        if (!rows.Any(row => row.MatchesKernel(version)))
        {
            verdicts.Add(Fail("kernel-unsupported", ImportStatusMessages.UnsupportedKernel,
                $"Default kernel {version} ({linux.DefaultKernel.ImagePath ?? "/lib/modules"}); {Describe(release)} supports {string.Join(", ", rows.SelectMany(row => row.Kernels).Distinct())}.",
                "Boot the distribution's default kernel (install it and make it the GRUB default)."));
        }
    }

    private static void AddArchitectureVerdicts(LinuxInspection linux, List<Verdict> verdicts)
    {
        var evidence = linux.ArchitectureEvidence?.ToString() ?? "no ELF binary found";
        switch (linux.Architecture)
        {
            case LinuxArchitecture.I386:
                verdicts.Add(Fail("linux-32bit", ImportStatusMessages.Linux32Bit, evidence, "Reinstall with a 64-bit (x86_64) distribution."));
                break;
            case LinuxArchitecture.Aarch64:
                verdicts.Add(Fail("arm64", ImportStatusMessages.Arm64, evidence, "Import an x86_64 installation."));
                break;
            case LinuxArchitecture.Other:
                verdicts.Add(Fail("architecture-unsupported", ImportStatusMessages.UnsupportedArchitecture, evidence, "Import an x86_64 installation."));
                break;
            case LinuxArchitecture.Unknown:
                verdicts.Add(Warning("architecture-unknown", "The architecture could not be told: no /bin/sh, /bin/bash or /bin/ls ELF binary was readable.", "Check that /bin and /usr/bin are present on the root file system."));
                break;
            default:
                break;
        }
    }

    private static void AddBootLoaderVerdicts(LinuxInspection linux, List<Verdict> verdicts)
    {
        var bootLoader = linux.BootLoader;
        if (bootLoader.Primary is null)
        {
            verdicts.Add(Fail("no-grub", ImportStatusMessages.NoGrub, "No grub.cfg, grub.conf or menu.lst under /boot or on the EFI System Partition.",
                "Install GRUB 2 (or GRUB legacy) and generate its configuration."));
            return;
        }

        if (bootLoader.HasMultipleDifferentConfigurations)
        {
            verdicts.Add(Fail("multiple-grub-configurations", ImportStatusMessages.MultipleGrubConfigurations,
                string.Join(", ", bootLoader.DistinctConfigurations.Select(configuration => configuration.Path)),
                "Keep one GRUB configuration: remove the other boot loaders' files (dual boot is not supported)."));
        }

        if (bootLoader.UsesBls && !bootLoader.DefaultKernelDetected)
        {
            verdicts.Add(Fail("bls-default-missing", ImportStatusMessages.BlsDefaultKernelMissing,
                $"{bootLoader.Primary.Path} uses blscfg; default source {bootLoader.DefaultSource}, saved_entry {bootLoader.Environment?.Values.GetValueOrDefault("saved_entry") ?? "unset"}.",
                "Set GRUB_DEFAULT=saved and run grub2-set-default with the entry of the kernel to boot (grubenv's saved_entry)."));
        }

        if (bootLoader.IsHybridGrub2)
        {
            verdicts.Add(Info("hybrid-grub2", "GRUB 2 is installed for both BIOS and UEFI: the import works, but an image export of the instance will be refused (spec §10.8).",
                "Nothing for import."));
        }

        if (linux.InitramfsError is { } initramfsError)
        {
            verdicts.Add(Fail("initramfs-unreadable", ImportStatusMessages.InitramfsUnreadable, initramfsError,
                "Rebuild the initramfs (dracut -f, update-initramfs -u) and check it with lsinitrd / lsinitramfs."));
        }
    }

    private static void AddFileSystemVerdicts(VerdictFacts facts, LinuxInspection linux, List<Verdict> verdicts)
    {
        if (linux.Fstab is null)
        {
            verdicts.Add(Fail("fstab-unreadable", ImportStatusMessages.FstabUnreadable, linux.FstabError ?? "/etc/fstab cannot be read.", "Restore /etc/fstab."));
        }
        else if (linux.Fstab.MalformedLines.Count > 0)
        {
            verdicts.Add(Fail("fstab-unreadable", ImportStatusMessages.FstabUnreadable, string.Join("; ", linux.Fstab.MalformedLines), "Fix or remove the malformed lines of /etc/fstab."));
        }

        if (facts.LinuxRootFileSystemType is { } type && !SupportedRootFileSystems.Contains(type, StringComparer.Ordinal))
        {
            verdicts.Add(Fail("root-file-system-unsupported", ImportStatusMessages.UnsupportedRootFileSystem, $"The root file system is {type}.", "Use ext4, XFS, Btrfs or JFS for /."));
        }

        if (facts.LinuxRootFileSystemType == "btrfs")
        {
            var rootOptions = linux.Fstab?.EntryFor("/")?.Options ?? [];
            var subvolumeOptions = rootOptions.Where(option => option.StartsWith("subvol", StringComparison.Ordinal)).ToList();
            var nonDefaultRoot = facts.BtrfsDefaultSubvolumeId is { } id && id != 5;
            if (facts.BtrfsSubvolumes.Count > 0 || nonDefaultRoot || subvolumeOptions.Count > 0)
            {
                var evidence = new List<string>();
                if (facts.BtrfsSubvolumes.Count > 0)
                {
                    evidence.Add($"subvolumes {string.Join(", ", facts.BtrfsSubvolumes)}");
                }

                if (nonDefaultRoot)
                {
                    evidence.Add($"default subvolume id {facts.BtrfsDefaultSubvolumeId}");
                }

                if (subvolumeOptions.Count > 0)
                {
                    evidence.Add($"/etc/fstab mounts / with {string.Join(",", subvolumeOptions)}");
                }

                verdicts.Add(Fail("btrfs-subvolumes", ImportStatusMessages.BtrfsSubvolumes, string.Join("; ", evidence),
                    "Put the root file system on the top level of the Btrfs volume (or on ext4/XFS), without subvolumes."));
            }
        }
    }

    private static void AddBootModeVerdicts(VerdictFacts facts, LinuxInspection linux, List<Verdict> verdicts)
    {
        if (!facts.BootModes.HasFlag(BootModes.Uefi))
        {
            return;
        }

        var hasFallback = facts.EfiSystemPartition?.HasFallbackLoader == true || linux.BootLoader.HasFallbackEfiLoader;
        if (hasFallback)
        {
            return;
        }

        var evidence = $"{facts.EfiSystemPartition?.DeviceName ?? "The ESP"} holds {string.Join(", ", facts.EfiSystemPartition?.Loaders ?? [])} but no /EFI/BOOT/BOOTX64.EFI.";
        const string fix = "Copy the distribution's loader (shimx64.efi or grubx64.efi) to /EFI/BOOT/BOOTX64.EFI on the ESP (grub-install --removable).";
        verdicts.Add(facts.BootModes.HasFlag(BootModes.LegacyBios)
            ? Warning("uefi-fallback-missing", evidence + " The import works in legacy BIOS mode only.", fix)
            : Fail("uefi-fallback-missing", ImportStatusMessages.MissingFallbackEfiLoader, evidence, fix));
    }

    private static void AddDriverAndSpaceWarnings(LinuxInspection linux, List<Verdict> verdicts)
    {
        if (linux.Network.PredictableNames.Count > 0 && !linux.PredictableInterfaceNamesDisabled)
        {
            verdicts.Add(Warning("predictable-interface-names",
                $"Predictable network interface names are not supported: {string.Join(", ", linux.Network.PredictableNames.Select(reference => reference.ToString()))}.",
                "Add net.ifnames=0 to the kernel command line (GRUB_CMDLINE_LINUX) and configure eth0 with DHCP."));
        }

        if (linux.DefaultKernel is { } kernel)
        {
            if (!linux.HasEnaDriver)
            {
                verdicts.Add(Warning("ena-missing", $"Kernel {kernel.Version} has no ENA driver: the instance cannot use Nitro instance types' network.", "Install the ENA driver (ena.ko) before export."));
            }

            if (!linux.HasNvmeDriver)
            {
                verdicts.Add(Warning("nvme-missing", $"Kernel {kernel.Version} has no NVMe driver: the instance cannot boot from EBS on Nitro instance types.", "Install the NVMe driver and add it to the initramfs before export."));
            }
        }

        if (linux.RootFreeBytes is { } free && free < MinRootFreeBytes)
        {
            verdicts.Add(Warning("root-free-space", $"The root file system has {Bytes(free)} free; VM Import needs at least 250 MiB for drivers.", "Free space on / before export."));
        }
    }

    private static string Describe(LinuxRelease release) =>
        release.PrettyName ?? release.Name ?? $"{release.Distribution} {release.Version}";

    private static string Bytes(long bytes) => bytes >= 1L << 30
        ? ((double)bytes / (1L << 30)).ToString("0.##", CultureInfo.InvariantCulture) + " GiB"
        : ((double)bytes / (1L << 20)).ToString("0.##", CultureInfo.InvariantCulture) + " MiB";

    private static Verdict Fail(string code, string message, string evidence, string fix) => new(code, VerdictSeverity.Fail, message, evidence, fix);

    private static Verdict Warning(string code, string message, string fix) =>
        new(code, VerdictSeverity.Warning, ImportStatusMessages.WarningPrefix + message, message, fix);

    private static Verdict Info(string code, string message, string fix) => new(code, VerdictSeverity.Info, message, "", fix);
}

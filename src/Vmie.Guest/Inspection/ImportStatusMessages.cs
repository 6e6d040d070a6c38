using Vmie.Guest.Volumes;

namespace Vmie.Guest.Inspection;

/// <summary>
/// The StatusMessage texts of failed imports. Those with a catalogue number are the documented strings of spec §13;
/// those marked "ours" have no documented wording (spec §13.6) and follow the same style.
/// </summary>
public static class ImportStatusMessages
{
    /// <summary>Spec §13.2 N9.</summary>
    public const string UnknownOs = "ClientError: Unknown OS / Missing OS files";

    /// <summary>Spec §13.5 L6.</summary>
    public const string UnsupportedKernel = "ClientError: Unsupported kernel version";

    /// <summary>Spec §13.1 I5.</summary>
    public const string MultipleGrubConfigurations = "ClientError: Multiple different grub/menu.lst files found";

    /// <summary>Spec §13.5 L2.</summary>
    public const string BlsDefaultKernelMissing = "ClientError: BLSC-style GRUB found, but unable to detect default kernel";

    /// <summary>Spec §13.5 L1.</summary>
    public const string FstabUnreadable = "ClientError: Invalid configuration - Could not read fstab";

    /// <summary>Spec §13.5 L5.</summary>
    public const string MultipleDirectories = "ClientError: Unsupported configuration - Multiple directories found";

    /// <summary>Spec §13.5 L3.</summary>
    public const string InitramfsUnreadable = "ClientError: We were unable to read your import's initramfs/initrd to determine what drivers your import requires to run in EC2.";

    /// <summary>Spec §13.5 L4.</summary>
    public const string LvmActivationFailed = VolumeProblem.LvmActivationFailedMessage;

    /// <summary>Spec §13.2 N2 (without the SDK's service suffix) and §13.4 W2's sub-cause "No bootable partition found".</summary>
    public const string NoBootablePartition = "Client.Unsupported: No bootable partition found.";

    /// <summary>Ours (spec §4.2: "Linux must be 64-bit only"; §13.6 lists it without wording).</summary>
    public const string Linux32Bit = "ClientError: Unsupported configuration - 32-bit Linux is not supported";

    /// <summary>Ours (spec §4.2: "ARM64 VMs are not supported").</summary>
    public const string Arm64 = "ClientError: Unsupported configuration - ARM64 VMs are not supported";

    /// <summary>Ours: binaries for a machine other than x86 (POWER, s390x, 32-bit ARM...).</summary>
    public const string UnsupportedArchitecture = "ClientError: Unsupported configuration - Unsupported architecture";

    /// <summary>Ours (spec §5.1 item 3).</summary>
    public const string EncryptedVolume = "ClientError: Unsupported configuration - Encrypted volumes are not supported";

    /// <summary>Ours (spec §4.3, §4.4: dynamic disks).</summary>
    public const string DynamicDisk = "ClientError: Unsupported configuration - Dynamic disks are not supported";

    /// <summary>Ours (spec §4.4 "Btrfs subvolumes are not supported"; §13.6).</summary>
    public const string BtrfsSubvolumes = "ClientError: Unsupported configuration - Btrfs subvolumes are not supported";

    /// <summary>Ours (spec §4.3, §5.2 item 5).</summary>
    public const string MissingFallbackEfiLoader = "ClientError: Unsupported configuration - UEFI boot requires EFI/BOOT/BOOTX64.EFI on the EFI System Partition";

    /// <summary>Ours (spec §4.4: the bootloader must be GRUB or GRUB 2).</summary>
    public const string NoGrub = "ClientError: Unsupported configuration - The bootloader must be GRUB or GRUB 2";

    /// <summary>Ours (spec §4.4: the root file system must be ext2/3/4, Btrfs, JFS or XFS).</summary>
    public const string UnsupportedRootFileSystem = "ClientError: Unsupported configuration - Unsupported root file system";

    /// <summary>Ours (spec §5.1 item 8; §13.6).</summary>
    public const string TooManyVolumes = "ClientError: Unsupported configuration - More than 21 volumes are attached";

    /// <summary>Ours (spec §5.1 item 11; §13.6).</summary>
    public const string ImageTooLarge = "ClientError: Disk validation failed [Disk images must be smaller than 16 TiB]";

    /// <summary>Ours (spec §5.1 item 11: ImportImage imports disks smaller than 8 TiB; §13.6).</summary>
    public const string ImportImageDiskTooLarge = "ClientError: Disk validation failed [ImportImage supports disks smaller than 8 TiB]";

    /// <summary>Ours: a disk whose partition table cannot be read.</summary>
    public const string CorruptPartitionTable = "ClientError: Disk validation failed [Unreadable partition table]";

    /// <summary>Spec §13.4 W2: the failure an import of a Windows VM with the Hyper-V role ends in (§5.3 item 6).</summary>
    public const string WindowsFirstBootFailure = "FirstBootFailure: This import request failed because the Windows instance failed to boot and establish network connectivity.";

    /// <summary>Ours (spec §4.2.2 footnote 1, §5.3 item 5: the OS language must be US English).</summary>
    public const string WindowsNotUsEnglish = "ClientError: Unsupported configuration - The Windows language must be US English";

    /// <summary>Ours (spec §4.2.2 footnote 3).</summary>
    public const string NanoServer = "ClientError: Unsupported configuration - Nano Server installations are not supported";

    /// <summary>Ours (spec §4.2.2: the editions and bits each Windows version is supported in).</summary>
    public const string UnsupportedWindowsEdition = "ClientError: Unsupported configuration - Unsupported Windows edition";

    /// <summary>Ours: warnings and notes are not import errors; they carry this prefix to say so.</summary>
    public const string WarningPrefix = "Warning: ";
}

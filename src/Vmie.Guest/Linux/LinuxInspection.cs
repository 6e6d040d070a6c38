using Vmie.Guest.Linux.Initramfs;

namespace Vmie.Guest.Linux;

/// <summary>
/// Everything read from one Linux root. The verdict layer uses (spec §4.2, §5.2, §13.5):
/// <list type="bullet">
/// <item><see cref="Release"/> (distribution, version, SLES service pack) and <see cref="DefaultKernel"/>'s version
/// against the support table; null Release → "Unknown OS".</item>
/// <item><see cref="Architecture"/>: I386 → 32-bit refused; Aarch64 → ARM64 refused.</item>
/// <item><see cref="BootLoader"/>: HasMultipleDifferentConfigurations → "Multiple different grub/menu.lst files
/// found"; UsesBls and !DefaultKernelDetected → "BLSC-style GRUB found, but unable to detect default kernel";
/// Primary null → no GRUB (§4.4); IsHybridGrub2 → export refusal; HasFallbackEfiLoader for UEFI.</item>
/// <item><see cref="Fstab"/> null or with MalformedLines → "Could not read fstab".</item>
/// <item><see cref="InitramfsError"/> set → the initramfs error L3; <see cref="Initramfs"/> ContainsModule("ena"/"nvme").</item>
/// <item><see cref="Network"/>.PredictableNames non-empty and not <see cref="PredictableInterfaceNamesDisabled"/> →
/// "Predictable network interface names are not supported".</item>
/// <item><see cref="RootFreeBytes"/>: set by the volume layer (file system totals), for the 250 MiB free-space check.</item>
/// </list>
/// Several /etc directories across volumes ("Multiple directories found") is the caller's count of volumes
/// for which <see cref="LinuxInspector.LooksLikeLinuxRootAsync"/> is true.
/// </summary>
public sealed record LinuxInspection(
    LinuxRelease? Release,
    LinuxArchitecture Architecture,
    LinuxEvidence? ArchitectureEvidence,
    IReadOnlyList<LinuxKernel> Kernels,
    LinuxKernel? DefaultKernel,
    LinuxBootLoader BootLoader,
    string? KernelCommandLine,
    Fstab? Fstab,
    string? FstabError,
    string? InitramfsPath,
    InitramfsContents? Initramfs,
    string? InitramfsError,
    NetworkConfiguration Network,
    bool PredictableInterfaceNamesDisabled)
{
    /// <summary>Free bytes on the root file system, when the volume layer knows them; null otherwise.</summary>
    public long? RootFreeBytes { get; init; }

    /// <summary>ENA available to the default kernel (module or built in), for the AMI's EnaSupport.</summary>
    public bool HasEnaDriver => DefaultKernel?.Ena is DriverPresence.Module or DriverPresence.BuiltIn;

    /// <summary>NVMe available to the default kernel (module or built in), for Nitro instance types.</summary>
    public bool HasNvmeDriver => DefaultKernel?.Nvme is DriverPresence.Module or DriverPresence.BuiltIn;
}

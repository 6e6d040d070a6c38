using Vmie.Disks.Detection;
using Vmie.Ec2.Images.Licensing;
using Vmie.Ec2.Tasks;
using Vmie.Guest.Inspection;
using Vmie.Guest.Volumes.Partitions;
using Vmie.Guest.Windows;

namespace Vmie.Ec2.ImageImports;

/// <summary>
/// How the AMI's platform, architecture, boot mode, ENA support and licensing follow from the guest and the request
/// (spec §4.3, §8; issue 5 point 4), decided before any disk is converted so that a refusal comes in seconds. Pure functions; a request the guest contradicts is an <see cref="ImportTaskFailedException"/>.
/// </summary>
public static class ImageImportDecisionRules
{
    /// <summary>Everything decided for a guest that passed inspection.</summary>
    /// <param name="bootDiskFormat">The boot disk's own format (inside an OVA, its member's), for Windows' default mode.</param>
    public static ImageImportDecisions Decide(GuestInspection inspection, ImageImportRequestFacts request, DiskFormat bootDiskFormat)
    {
        ArgumentNullException.ThrowIfNull(inspection);
        ArgumentNullException.ThrowIfNull(request);
        var system = inspection.OperatingSystem
            ?? throw new ImportTaskFailedException(ImportStatusMessages.UnknownOs);
        var windows = system.Kind == OperatingSystemKind.Windows;
        var windowsDisk = windows ? WindowsBootDisk(inspection, bootDiskFormat) : null;
        var bothDefault = windowsDisk is null
            ? BootModes.LegacyBios
            : WindowsBootModeRules.DefaultBootMode(WindowsBootModes.Both, windowsDisk) == WindowsBootModes.LegacyBios ? BootModes.LegacyBios : BootModes.Uefi;
        var bootMode = BootMode(request.BootMode, inspection.BootModes, bothDefault);
        var platform = Platform(system.Kind, request.Platform);
        var architecture = Architecture(system.Architecture, request.Architecture);
        var isServer = windows ? IsWindowsServer(inspection) : null;
        var licensing = Licensing(system.Kind, isServer, request.LicenseType, request.UsageOperation);
        return new ImageImportDecisions
        {
            Platform = platform,
            Architecture = architecture,
            BootMode = bootMode,
            SupportedBootModes = inspection.BootModes,
            EnaSupport = EnaSupport(inspection),
            OperatingSystem = system.Kind,
            OperatingSystemName = system.Name,
            WindowsProduct = windows ? inspection.Windows?.Product ?? WindowsProduct.Unknown : null,
            IsWindowsServer = isServer,
            GptToMbrConversion = windowsDisk is not null && bootMode == ImageBootMode.LegacyBios && WindowsBootModeRules.IsGptToMbrConversionEligible(windowsDisk),
            LicenseType = licensing.LicenseType!,
            PlatformDetails = licensing.PlatformDetails!,
            UsageOperation = licensing.UsageOperation!,
        };
    }

    /// <summary>
    /// Spec §8: the license the AMI is billed with, from the guest's OS family and the caller's LicenseType or
    /// UsageOperation. A Windows guest not known to be a client counts as a server (license included by default).
    /// </summary>
    /// <exception cref="ImportTaskFailedException">The choice does not fit the guest (Linux with AWS, a Windows client with AWS...).</exception>
    public static LicensingDecision Licensing(OperatingSystemKind guest, bool? isWindowsServer, string? licenseType, string? usageOperation)
    {
        var licensingGuest = guest switch
        {
            OperatingSystemKind.Linux => LicensingGuest.Linux,
            OperatingSystemKind.Windows => isWindowsServer == false ? LicensingGuest.WindowsClient : LicensingGuest.WindowsServer,
            _ => throw new ImportTaskFailedException(ImportStatusMessages.UnknownOs),
        };
        var decision = ImageLicensing.Decide(licensingGuest, licenseType, usageOperation);
        return decision.Succeeded ? decision : throw new ImportTaskFailedException(decision.FailureMessage!);
    }

    /// <summary>The AMI's Platform: "windows" for a Windows guest, null (Linux/UNIX) otherwise; a requested Platform must agree.</summary>
    public static string? Platform(OperatingSystemKind guest, string? requested)
    {
        var platform = guest switch
        {
            OperatingSystemKind.Windows => "windows",
            OperatingSystemKind.Linux => null,
            _ => throw new ImportTaskFailedException(ImportStatusMessages.UnknownOs),
        };
        if (requested is not null)
        {
            var asked = requested.Trim().ToUpperInvariant() switch
            {
                "WINDOWS" => OperatingSystemKind.Windows,
                "LINUX" => OperatingSystemKind.Linux,
                _ => throw new ArgumentException($"Platform '{requested}' should have been refused with the request.", nameof(requested)),
            };
            if (asked != guest)
            {
                throw new ImportTaskFailedException(ImportTaskMessages.PlatformMismatch(requested, guest.ToString()));
            }
        }

        return platform;
    }

    /// <summary>
    /// The AMI's Architecture from the guest's ("x86_64", "i386"; inspection has already refused 32-bit Linux and
    /// ARM64); a requested Architecture must agree. A guest whose architecture cannot be told (no readable ELF
    /// binary: only a warning of the inspection) takes the requested one, else x86_64, the only one Linux imports
    /// support — so `vmie check` and the import agree.
    /// </summary>
    public static string Architecture(string guest, string? requested)
    {
        ArgumentNullException.ThrowIfNull(guest);
        if (guest == "unknown")
        {
            return requested?.Trim().ToLowerInvariant() ?? "x86_64";
        }

        var architecture = guest switch
        {
            "x86_64" => "x86_64",
            "i386" => "i386",
            _ => throw new ImportTaskFailedException(ImportStatusMessages.UnsupportedArchitecture),
        };
        if (requested is not null && !string.Equals(requested.Trim(), architecture, StringComparison.OrdinalIgnoreCase))
        {
            throw new ImportTaskFailedException(ImportTaskMessages.ArchitectureMismatch(requested, architecture));
        }

        return architecture;
    }

    /// <summary>
    /// The AMI's BootMode: the requested one, which the guest must support; uefi-preferred is UEFI when the guest can,
    /// else legacy BIOS; none requested is the only supported mode, or <paramref name="defaultWhenBoth"/> when both are.
    /// </summary>
    /// <param name="defaultWhenBoth">Linux: legacy BIOS. Windows: spec §4.3's choice (<see cref="WindowsBootModeRules.DefaultBootMode"/>).</param>
    public static string BootMode(string? requested, BootModes supported, BootModes defaultWhenBoth)
    {
        if (supported == BootModes.None)
        {
            // Inspection's "no-bootable-partition" verdict ends such a task first.
            throw new ImportTaskFailedException(ImportStatusMessages.NoBootablePartition);
        }

        var chosen = requested?.Trim().ToLowerInvariant() switch
        {
            null => supported == (BootModes.LegacyBios | BootModes.Uefi) ? defaultWhenBoth : supported,
            ImageBootMode.UefiPreferred => supported.HasFlag(BootModes.Uefi) ? BootModes.Uefi : BootModes.LegacyBios,
            ImageBootMode.Uefi => BootModes.Uefi,
            ImageBootMode.LegacyBios => BootModes.LegacyBios,
            _ => throw new ArgumentException($"BootMode '{requested}' should have been refused with the request.", nameof(requested)),
        };
        if (chosen is not (BootModes.LegacyBios or BootModes.Uefi))
        {
            throw new ArgumentException($"The default boot mode must be one mode, not {chosen}.", nameof(defaultWhenBoth));
        }

        if (!supported.HasFlag(chosen))
        {
            throw new ImportTaskFailedException(ImportTaskMessages.BootModeUnsupported(requested!, Name(supported)));
        }

        return Name(chosen);
    }

    /// <summary>ENA support: the default Linux kernel has the driver (module or built in). Windows drivers are not inspected yet: false.</summary>
    public static bool EnaSupport(GuestInspection inspection)
    {
        ArgumentNullException.ThrowIfNull(inspection);
        return inspection.Linux?.HasEnaDriver == true;
    }

    /// <summary>The boot disk facts spec §4.3's Windows rules look at, from inspection's view of the first disk.</summary>
    public static WindowsDiskFacts WindowsBootDisk(GuestInspection inspection, DiskFormat bootDiskFormat)
    {
        ArgumentNullException.ThrowIfNull(inspection);
        var disk = inspection.Disks[0];
        var table = disk.PartitionTable;
        var primaries = table?.Kind switch
        {
            PartitionTableKind.Mbr => table.Partitions.Count(partition => !partition.IsLogical),
            PartitionTableKind.Gpt => table.Partitions.Count,
            _ => 0,
        };
        return new WindowsDiskFacts(bootDiskFormat, disk.VirtualSize, table?.Kind ?? PartitionTableKind.None, primaries, table?.IsDynamicDisk == true);
    }

    /// <summary>
    /// A Windows guest's installation is a server (licensing default AWS) or a client (BYOL only): its InstallationType,
    /// else its product; null when neither says.
    /// </summary>
    public static bool? IsWindowsServer(GuestInspection inspection)
    {
        ArgumentNullException.ThrowIfNull(inspection);
        return inspection.Windows switch
        {
            null => null,
            { InstallationType: WindowsInstallationType.Unknown } windows => IsServer(windows.Product),
            var windows => windows.IsServer,
        };
    }

    /// <summary>Server products (licensing default AWS) against clients (BYOL only); null for an unknown product.</summary>
    public static bool? IsServer(WindowsProduct product) => product switch
    {
        WindowsProduct.Unknown => null,
        WindowsProduct.Windows7 or WindowsProduct.Windows8 or WindowsProduct.Windows81 or WindowsProduct.Windows10 or WindowsProduct.Windows11 => false,
        _ => true,
    };

    private static string Name(BootModes modes) => modes switch
    {
        BootModes.LegacyBios => ImageBootMode.LegacyBios,
        BootModes.Uefi => ImageBootMode.Uefi,
        _ => $"{ImageBootMode.LegacyBios} and {ImageBootMode.Uefi}",
    };
}

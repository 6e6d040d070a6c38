namespace Vmie.Guest.Windows;

/// <summary>
/// What inspection found on a Windows system volume (issue 4 point 4). Facts only; the verdicts of spec §4.2.2,
/// §5.3 and §13.4 are drawn from them elsewhere: <see cref="Product"/>/<see cref="Edition"/>/<see cref="Architecture"/>
/// against the support table, <see cref="IsUsEnglish"/> (§5.3.5), <see cref="HasHyperVRole"/> (§5.3.6, W2),
/// <see cref="IsNanoServer"/> (§4.2.2 footnote 3), <see cref="Pagefile"/> and <see cref="SystemVolumeSpace"/> (§5.3.1).
/// Boot facts (BCD, EMS, boot modes) live on the boot volumes: see <see cref="WindowsBootVolume"/>.
/// </summary>
public sealed record WindowsInspection
{
    /// <summary>The Windows directory on the volume, e.g. "/Windows".</summary>
    public required string SystemRoot { get; init; }

    /// <summary>The architecture of the PE image named by <see cref="ArchitectureEvidence"/>, or null when none could be read.</summary>
    public WindowsArchitecture? Architecture { get; init; }

    /// <summary>Which file and machine value gave the architecture, e.g. "/Windows/system32/cmd.exe: PE machine 0x8664".</summary>
    public string? ArchitectureEvidence { get; init; }

    /// <summary>SOFTWARE's CurrentVersion values, or null when the SOFTWARE hive is missing or unreadable.</summary>
    public WindowsCurrentVersion? Version { get; init; }

    public WindowsProduct Product { get; init; }

    public WindowsEdition Edition { get; init; }

    public WindowsInstallationType InstallationType { get; init; }

    public bool IsServer => InstallationType is WindowsInstallationType.Server or WindowsInstallationType.ServerCore or WindowsInstallationType.NanoServer;

    public bool IsNanoServer => InstallationType == WindowsInstallationType.NanoServer;

    /// <summary>32 or 64, or null when the architecture is unknown.</summary>
    public int? Bits => Architecture switch
    {
        WindowsArchitecture.X86 => 32,
        WindowsArchitecture.X64 or WindowsArchitecture.Arm64 => 64,
        _ => null,
    };

    /// <summary>The SYSTEM hive's settings, or null when the SYSTEM hive is missing or unreadable.</summary>
    public WindowsSystemSettings? System { get; init; }

    /// <summary>
    /// True when the install language and the default UI language (where set) are US English; false when either
    /// is another language; null when the SYSTEM hive says neither.
    /// </summary>
    public bool? IsUsEnglish => System switch
    {
        { InstallLanguage: null, DefaultUiLanguage: null } or null => null,
        _ => System.InstallLanguage?.IsUsEnglish != false && System.DefaultUiLanguage?.IsUsEnglish != false,
    };

    public bool HasHyperVRole => System?.HasHyperVRole == true;

    public WindowsPagefile? Pagefile => System?.Pagefile;

    /// <summary>Size and free space of the system volume (NTFS), or null when the file system does not say.</summary>
    public VolumeSpace? SystemVolumeSpace { get; init; }

    /// <summary>What was found missing, damaged or dirty on the way (a hive that could not be read, a dirty hive...).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
}

namespace Vmie.Guest.Windows;

/// <summary>
/// How a Windows boot disk starts (spec §4.3, §5.3): the modes its boot volumes support, the mode an import without
/// --boot-mode picks, whether a UEFI GPT boot disk would be converted to MBR, and whether a BCD store has EMS on
/// (§5.3.4: disabled on import).
/// </summary>
public sealed record WindowsBootInspection
{
    public required WindowsBootModes SupportedModes { get; init; }

    /// <summary>The mode ImportImage uses without --boot-mode; None when no mode is supported.</summary>
    public required WindowsBootModes DefaultMode { get; init; }

    /// <summary>The boot disk is a UEFI-capable GPT disk that the import converts to MBR (spec §4.3).</summary>
    public required bool GptToMbrConversion { get; init; }

    /// <summary>The disk facts the default mode and the conversion were judged on.</summary>
    public required WindowsDiskFacts Disk { get; init; }

    /// <summary>A BCD store enables Emergency Management Services.</summary>
    public bool IsEmsEnabled { get; init; }

    /// <summary>The boot volumes looked at, by device name.</summary>
    public IReadOnlyList<(string DeviceName, WindowsBootVolume Volume)> Volumes { get; init; } = [];

    /// <summary>Why each mode is (or is not) supported, and where EMS was found.</summary>
    public IReadOnlyList<string> Evidence { get; init; } = [];
}

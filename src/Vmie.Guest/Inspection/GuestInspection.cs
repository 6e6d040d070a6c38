using Vmie.Guest.Linux;
using Vmie.Guest.Windows;

namespace Vmie.Guest.Inspection;

/// <summary>Everything <see cref="GuestInspector"/> found on a VM's disks, and the verdicts VM Import would give.</summary>
public sealed record GuestInspection
{
    public required IReadOnlyList<InspectedDisk> Disks { get; init; }

    public required IReadOnlyList<InspectedVolume> Volumes { get; init; }

    public required OperatingSystemKind OperatingSystemKind { get; init; }

    /// <summary>The OS summary, null when no OS root was found.</summary>
    public GuestOperatingSystem? OperatingSystem { get; init; }

    /// <summary>The Linux root's inspection (through the fstab-mounted view), when the OS is Linux.</summary>
    public LinuxInspection? Linux { get; init; }

    /// <summary>Devices that hold a Linux root (/etc with a release file or fstab): more than one is L5.</summary>
    public IReadOnlyList<string> LinuxRootDevices { get; init; } = [];

    /// <summary>The fstab mounts of the Linux root as resolved to volumes.</summary>
    public IReadOnlyList<InspectedMount> Mounts { get; init; } = [];

    /// <summary>The Windows installations found; their facts come from the Windows inspection (integration point).</summary>
    public IReadOnlyList<WindowsSystemRoot> WindowsRoots { get; init; } = [];

    /// <summary>For a Windows guest: what the Windows inspection found on its system volume (product, edition, server or client).</summary>
    public WindowsInspection? Windows { get; init; }

    /// <summary>For a Windows guest: the boot disk's Windows boot facts (modes, default mode, GPT→MBR conversion, EMS).</summary>
    public WindowsBootInspection? WindowsBoot { get; init; }

    public required BootModes BootModes { get; init; }

    /// <summary>Why each boot mode is (or is not) possible.</summary>
    public required IReadOnlyList<string> BootModeEvidence { get; init; }

    public required IReadOnlyList<Verdict> Verdicts { get; init; }

    /// <summary>True when an AWS-style import would succeed: no verdict is a failure (warnings allowed).</summary>
    public bool WouldImportSucceed => Verdicts.All(verdict => verdict.Severity != VerdictSeverity.Fail);
}

namespace Vmie.Guest.Inspection;

/// <summary>The firmware modes the guest's disks can boot in (spec §4.3).</summary>
[Flags]
public enum BootModes
{
    None = 0,
    LegacyBios = 1,
    Uefi = 2,
}

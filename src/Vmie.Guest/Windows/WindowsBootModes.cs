namespace Vmie.Guest.Windows;

/// <summary>The firmware boot modes a Windows disk can start in (spec §4.3).</summary>
[Flags]
public enum WindowsBootModes
{
    None = 0,
    LegacyBios = 1,
    Uefi = 2,
    Both = LegacyBios | Uefi,
}

namespace Vmie.Guest.Linux;

/// <summary>
/// One GRUB configuration file found in the guest, parsed. A <see cref="IsStub"/> file holds no menu of its
/// own and only hands over to another (the EFI grub.cfg that Fedora, RHEL 9 and Ubuntu put on the ESP:
/// search, set prefix, configfile). <see cref="DefaultSetting"/> is the value GRUB's default takes (after
/// $saved_entry is read from grubenv), null when the file leaves it unset.
/// </summary>
public sealed record GrubConfiguration(
    string Path,
    GrubFlavor Flavor,
    IReadOnlyList<GrubMenuEntry> Entries,
    string? DefaultSetting,
    LinuxEvidence? DefaultEvidence,
    bool UsesBlscfg,
    IReadOnlyList<string> ConfigFileTargets,
    string ContentHash)
{
    public bool IsStub => Entries.Count == 0 && !UsesBlscfg && ConfigFileTargets.Count > 0;

    /// <summary>True when the file names its default through grubenv's saved_entry.</summary>
    public bool DefaultIsSavedEntry => DefaultSetting is "${saved_entry}" or "$saved_entry" or "saved";
}

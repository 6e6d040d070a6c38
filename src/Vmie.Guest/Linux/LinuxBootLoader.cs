namespace Vmie.Guest.Linux;

/// <summary>
/// What the guest's GRUB would do. Every configuration file is kept in <see cref="Configurations"/>; the
/// verdict "Multiple different grub/menu.lst files found" is <see cref="HasMultipleDifferentConfigurations"/>:
/// more than one file with a menu of its own and different text. Copies (RHEL 6's menu.lst and /etc/grub.conf
/// are links to grub.conf; identical text counts once) and stubs that only configfile another file (the ESP
/// grub.cfg of Fedora, RHEL 9, Ubuntu) do not count. <see cref="DefaultKernelDetected"/> false with
/// <see cref="UsesBls"/> is the verdict "BLSC-style GRUB found, but unable to detect default kernel".
/// </summary>
public sealed record LinuxBootLoader(
    IReadOnlyList<GrubConfiguration> Configurations,
    GrubConfiguration? Primary,
    GrubEnvironment? Environment,
    IReadOnlyList<GrubMenuEntry> BlsEntries,
    GrubMenuEntry? DefaultEntry,
    DefaultEntrySource DefaultSource,
    string? DefaultKernelPath,
    bool DefaultKernelExists,
    bool BiosGrubInstalled,
    bool EfiGrubInstalled,
    bool HasFallbackEfiLoader,
    IReadOnlyList<string> Notes)
{
    public GrubFlavor? Flavor => Primary?.Flavor;

    public bool UsesBls => Primary?.UsesBlscfg == true;

    /// <summary>The configurations that hold a menu, one per distinct text.</summary>
    public IReadOnlyList<GrubConfiguration> DistinctConfigurations =>
        [.. Configurations.Where(configuration => !configuration.IsStub).DistinctBy(configuration => configuration.ContentHash)];

    public bool HasMultipleDifferentConfigurations => DistinctConfigurations.Count > 1;

    /// <summary>
    /// True when the configuration determines which kernel boots: with BLS, only an explicit default or a
    /// saved_entry naming an entry; without BLS, any entry that has a kernel line.
    /// </summary>
    public bool DefaultKernelDetected => UsesBls
        ? DefaultSource is DefaultEntrySource.Configuration or DefaultEntrySource.SavedEntry && DefaultEntry?.KernelPath is not null
        : DefaultEntry?.KernelPath is not null;

    public string? DefaultKernelVersion => DefaultEntry?.KernelVersion;

    /// <summary>GRUB 2 installed for both BIOS (i386-pc modules) and UEFI: refused for export (spec §10.8).</summary>
    public bool IsHybridGrub2 => BiosGrubInstalled && EfiGrubInstalled;
}

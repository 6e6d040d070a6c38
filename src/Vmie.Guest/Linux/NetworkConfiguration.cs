namespace Vmie.Guest.Linux;

/// <summary>
/// The guest's network configuration as far as the verdicts need it (spec §5.2 item 6, "Predictable network
/// interface names are not supported"; §5.1 item 10, a single DHCP interface): which systems are configured,
/// which interface names the files use, and whether the boot command line turns predictable names off.
/// </summary>
public sealed record NetworkConfiguration(
    IReadOnlyList<NetworkConfigurationStyle> Styles,
    IReadOnlyList<NetworkInterfaceReference> Interfaces)
{
    /// <summary>The configured names that are predictable ones (ens33, enp0s3...).</summary>
    public IReadOnlyList<NetworkInterfaceReference> PredictableNames => [.. Interfaces.Where(reference => reference.IsPredictableName)];

    /// <summary>Distinct non-loopback interface names configured.</summary>
    public IReadOnlyList<string> InterfaceNames => [.. Interfaces.Select(reference => reference.Name).Where(name => name != "lo").Distinct(StringComparer.Ordinal)];
}

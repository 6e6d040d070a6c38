namespace Vmie.Guest.Linux;

/// <summary>An interface name a network configuration file refers to, with where it does.</summary>
public sealed record NetworkInterfaceReference(string Name, NetworkConfigurationStyle Style, LinuxEvidence Evidence)
{
    /// <summary>
    /// True for systemd/udev predictable names (en/wl/ww + o, s, p, x, P, v, a, b, c, i + a digit or hex:
    /// eno1, ens33, enp0s3, enx001122334455, wlp2s0); false for kernel names (eth0, wlan0) and virtual ones (lo, br0).
    /// </summary>
    public bool IsPredictableName => IsPredictable(Name);

    public static bool IsPredictable(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.Length >= 4
            && (name.StartsWith("en", StringComparison.Ordinal) || name.StartsWith("wl", StringComparison.Ordinal) || name.StartsWith("ww", StringComparison.Ordinal))
            && "ospxPvabci".Contains(name[2], StringComparison.Ordinal)
            && char.IsAsciiHexDigit(name[3]);
    }
}

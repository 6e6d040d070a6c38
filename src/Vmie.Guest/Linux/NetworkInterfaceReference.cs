using System.Text.RegularExpressions;

namespace Vmie.Guest.Linux;

/// <summary>An interface name a network configuration file refers to, with where it does.</summary>
public sealed partial record NetworkInterfaceReference(string Name, NetworkConfigurationStyle Style, LinuxEvidence Evidence)
{
    /// <summary>
    /// True for systemd/udev predictable names (systemd.net-naming-scheme: en/wl/ww, then o&lt;index&gt;,
    /// s&lt;slot&gt;, p&lt;bus&gt;, P&lt;domain&gt;, x&lt;MAC&gt;, v&lt;slot&gt;, b&lt;number&gt;, c&lt;bus id&gt;, a&lt;vendor model&gt;i&lt;instance&gt;:
    /// eno1, ens33, enp0s3, enx001122334455, wlp2s0); false for kernel names (eth0, wlan0) and virtual ones (lo, br0).
    /// </summary>
    public bool IsPredictableName => IsPredictable(Name);

    public static bool IsPredictable(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return PredictableName().IsMatch(name);
    }

    [GeneratedRegex(@"^(en|wl|ww)(o\d+|s\d+|p\d+|P\d+|x[0-9a-fA-F]{12}|v\d+|b\d+|c[0-9a-fA-F]+|a[0-9a-zA-Z]+i\d+|i\d+)([a-zA-Z0-9_]*)$")]
    private static partial Regex PredictableName();
}

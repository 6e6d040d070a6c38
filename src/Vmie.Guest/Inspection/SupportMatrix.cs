using Vmie.Guest.Linux;

namespace Vmie.Guest.Inspection;

/// <summary>
/// The operating systems VM Import supports, as data: spec §4.2.1 (Linux: distribution, versions, kernels, SLES
/// service packs), §4.2.2 (Windows: products, editions, bits) and the end-of-life list of §4.2 (FR). Change the
/// tables here and nowhere else.
/// </summary>
public static class SupportMatrix
{
    public static IReadOnlyList<LinuxSupportRow> Linux { get; } =
    [
        new(LinuxDistribution.AmazonLinux, "2023", "2023", ["6.1"]),
        new(LinuxDistribution.AmazonLinux, "2", "2", ["4.14", "4.19", "5.4", "5.10"]),
        new(LinuxDistribution.CentOS, "5.1", "5.11", ["2.6.18"]),
        new(LinuxDistribution.CentOS, "6.1", "6.8", ["2.6.32"]),
        new(LinuxDistribution.CentOS, "7.0", "7.9", ["3.10.0"]),
        new(LinuxDistribution.CentOS, "8.0", "8.2", ["4.18.0"]),
        new(LinuxDistribution.CentOS, "9", "9", ["5.14.0"]),
        new(LinuxDistribution.Debian, "6.0.0", "6.0.8", ["2.6.32"]),
        new(LinuxDistribution.Debian, "7.0.0", "7.8.0", ["3.2.0"]),
        new(LinuxDistribution.Debian, "10", "10", ["4.19.0"]),
        new(LinuxDistribution.Debian, "11", "11", ["5.10.0"]),
        new(LinuxDistribution.Debian, "12.2", "12.2", ["6.1.0"]),
        new(LinuxDistribution.Debian, "12.4", "12.4", ["6.1.0"]),
        new(LinuxDistribution.Fedora, "18", "18", ["3.2.5"]),
        new(LinuxDistribution.Fedora, "19", "19", ["3.9.5"]),
        new(LinuxDistribution.Fedora, "20", "20", ["3.11.10"]),
        new(LinuxDistribution.Fedora, "37", "37", ["6.0.7"]),
        new(LinuxDistribution.Fedora, "38", "38", ["6.2.9"]),
        new(LinuxDistribution.Fedora, "39", "39", ["6.5.6"]),
        new(LinuxDistribution.OracleLinux, "5.10", "5.11", ["el5uek"]),
        new(LinuxDistribution.OracleLinux, "6.1", "6.10", ["2.6.32", "2.6.39", "3.8.13", "4.1.12"]),
        new(LinuxDistribution.OracleLinux, "7.0", "7.6", ["3.10.0", "3.8.13", "4.1.12", "4.14.35", "5.4.17"]),
        new(LinuxDistribution.OracleLinux, "8.0", "8.9", ["4.18.0", "5.15.0"]),
        new(LinuxDistribution.OracleLinux, "9.0", "9.5", ["5.14.0", "5.15.0"]),
        new(LinuxDistribution.OracleLinux, "9.6", "9.6", ["6.12.0"]),
        new(LinuxDistribution.OracleLinux, "10.0", "10.0", ["6.12.0"]),
        new(LinuxDistribution.Rhel, "5", "5", ["2.6.18"]),
        new(LinuxDistribution.Rhel, "6", "6", ["2.6.32"], ExcludedKernels: ["2.6.32-71"]),
        new(LinuxDistribution.Rhel, "7", "7", ["3.10.0"]),
        new(LinuxDistribution.Rhel, "8.0", "8.9", ["4.18.0"]),

        // The history entry of 11 Jun 2025 adds x.5 "with kernel 5.15.0" while the rows say 5.14.0: both accepted.
        new(LinuxDistribution.Rhel, "9.0", "9.6", ["5.14.0", "5.15.0"]),
        new(LinuxDistribution.Rhel, "10", "10", ["6.12.0"]),
        new(LinuxDistribution.RockyLinux, "9.0", "9.6", ["5.14.0", "5.15.0"]),
        new(LinuxDistribution.RockyLinux, "10", "10", ["6.12.0"]),
        new(LinuxDistribution.Sles, "11", "11", ["2.6.32.12"], [1]),
        new(LinuxDistribution.Sles, "11", "11", ["3.0.13"], [2]),
        new(LinuxDistribution.Sles, "11", "11", ["3.0.76", "3.0.101"], [3]),
        new(LinuxDistribution.Sles, "11", "11", ["3.0.101"], [4]),
        new(LinuxDistribution.Sles, "12", "12", ["3.12.28"], [0]),
        new(LinuxDistribution.Sles, "12", "12", ["3.12.49"], [1]),
        new(LinuxDistribution.Sles, "12", "12", ["4.4"], [2, 3]),
        new(LinuxDistribution.Sles, "12", "12", ["4.12"], [4, 5]),
        new(LinuxDistribution.Sles, "15", "15", ["4.12"], [0, 1]),
        new(LinuxDistribution.Sles, "15", "15", ["5.3"], [2, 3]),
        new(LinuxDistribution.Sles, "15", "15", ["5.14.21"], [4, 5]),
        new(LinuxDistribution.Sles, "15", "15", ["6.4"], [6]),
        new(LinuxDistribution.Ubuntu, "12.04", "12.04", ["3.2.0"]),
        new(LinuxDistribution.Ubuntu, "12.10", "12.10", ["3.5.0"]),
        new(LinuxDistribution.Ubuntu, "13.04", "13.04", ["3.8.0"]),
        new(LinuxDistribution.Ubuntu, "13.10", "13.10", ["3.11"]),
        new(LinuxDistribution.Ubuntu, "14.04", "14.04", ["3.13.0", "3.16.0", "3.19.0"]),
        new(LinuxDistribution.Ubuntu, "14.10", "14.10", ["3.16"]),
        new(LinuxDistribution.Ubuntu, "15.04", "15.04", ["3.19.0"]),
        new(LinuxDistribution.Ubuntu, "16.04", "16.04", ["4.2.0", "4.4.0", "4.8.0", "4.10.0", "4.15.0"]),
        new(LinuxDistribution.Ubuntu, "16.10", "16.10", ["4.8.0"]),
        new(LinuxDistribution.Ubuntu, "17.04", "17.04", ["4.10.0"]),
        new(LinuxDistribution.Ubuntu, "18.04", "18.04", ["4.15.0", "5.4.0"]),
        new(LinuxDistribution.Ubuntu, "20.04", "20.04", ["5.4.0"]),
        new(LinuxDistribution.Ubuntu, "22.04", "22.04", ["5.15.0"]),
        new(LinuxDistribution.Ubuntu, "23.04", "23.04", ["5.15.0"]),
        new(LinuxDistribution.Ubuntu, "24.04", "24.04", ["6.8.0", "6.11.0"]),
    ];

    public static IReadOnlyList<WindowsSupportRow> Windows { get; } =
    [
        new("Windows Server 2003", ["Standard", "Datacenter", "Enterprise"], [32, 64], IsClient: false),
        new("Windows Server 2003 R2", ["Standard", "Datacenter", "Enterprise"], [32, 64], IsClient: false),
        new("Windows Server 2008", ["Standard", "Datacenter", "Enterprise"], [32, 64], IsClient: false),
        new("Windows Server 2008 R2", ["Standard", "Web Server", "Datacenter", "Enterprise"], [64], IsClient: false),
        new("Windows Server 2012", ["Standard", "Datacenter"], [64], IsClient: false),
        new("Windows Server 2012 R2", ["Standard", "Datacenter"], [64], IsClient: false),
        new("Windows Server 2016", ["Standard", "Datacenter"], [64], IsClient: false),
        new("Windows Server 1709", ["Standard", "Datacenter"], [64], IsClient: false),
        new("Windows Server 1803", ["Standard", "Datacenter"], [64], IsClient: false),
        new("Windows Server 2019", ["Standard", "Datacenter"], [64], IsClient: false),
        new("Windows Server 2022", ["Standard", "Datacenter"], [64], IsClient: false),
        new("Windows Server 2025", ["Standard", "Datacenter"], [64], IsClient: false),
        new("Windows 7", ["Home", "Professional", "Enterprise", "Ultimate"], [32, 64], IsClient: true),
        new("Windows 8", ["Home", "Professional", "Enterprise"], [32, 64], IsClient: true),
        new("Windows 8.1", ["Professional", "Enterprise"], [64], IsClient: true),
        new("Windows 10", ["Home", "Professional", "Enterprise", "Education"], [64], IsClient: true),
        new("Windows 11", ["Home", "Professional", "Enterprise", "Education"], [64], IsClient: true, RequiresUefi: true),
    ];

    /// <summary>The end-of-life versions whose support is being withdrawn from 1 February 2026 (spec §4.2, FR).</summary>
    public static IReadOnlyList<(LinuxDistribution Distribution, string Version)> LinuxEndOfLife { get; } =
    [
        (LinuxDistribution.CentOS, "5"), (LinuxDistribution.CentOS, "6"), (LinuxDistribution.CentOS, "8"),
        (LinuxDistribution.Debian, "6"), (LinuxDistribution.Debian, "7"), (LinuxDistribution.Debian, "10"),
        (LinuxDistribution.Fedora, "18"), (LinuxDistribution.Fedora, "19"), (LinuxDistribution.Fedora, "20"),
        (LinuxDistribution.Fedora, "37"), (LinuxDistribution.Fedora, "38"), (LinuxDistribution.Fedora, "39"),
        (LinuxDistribution.OracleLinux, "5"), (LinuxDistribution.OracleLinux, "6"),
        (LinuxDistribution.Rhel, "5"),
        (LinuxDistribution.Sles, "11"),
        (LinuxDistribution.Ubuntu, "12.04"), (LinuxDistribution.Ubuntu, "12.10"), (LinuxDistribution.Ubuntu, "13.04"),
        (LinuxDistribution.Ubuntu, "14.04"), (LinuxDistribution.Ubuntu, "14.10"), (LinuxDistribution.Ubuntu, "15.04"),
    ];

    /// <summary>Windows products on the same end-of-life list (Server 2008 R2 is not on it).</summary>
    public static IReadOnlyList<string> WindowsEndOfLife { get; } =
        ["Windows Server 2003", "Windows Server 2003 R2", "Windows Server 2008", "Windows 7", "Windows 8", "Windows 8.1"];

    /// <summary>The rows for exactly this version (and SLES service pack).</summary>
    public static IReadOnlyList<LinuxSupportRow> FindLinuxRows(LinuxDistribution distribution, string? version, int? servicePack) =>
        [.. Linux.Where(row => row.Distribution == distribution && row.MatchesVersion(version, servicePack))];

    /// <summary>
    /// The rows of the same major version, for a version the table does not list (Debian 12.7, CentOS 8.4): their
    /// kernels still say which kernel that release line ships.
    /// </summary>
    public static IReadOnlyList<LinuxSupportRow> FindLinuxRowsOfMajor(LinuxDistribution distribution, string? version)
    {
        var major = version?.Split('.')[0];
        return [.. Linux.Where(row => row.Distribution == distribution && row.Major == major)];
    }

    public static bool IsLinuxEndOfLife(LinuxDistribution distribution, string? version) =>
        version is not null && LinuxEndOfLife.Any(entry => entry.Distribution == distribution && DottedVersion.CompareToBound(version, entry.Version) == 0);

    /// <summary>
    /// The row for a Windows ProductName ("Windows Server 2012 R2 Datacenter", "Windows 10 Pro"): the longest
    /// product name it begins with, so "Windows 8.1" wins over "Windows 8" and "2008 R2" over "2008".
    /// </summary>
    public static WindowsSupportRow? FindWindows(string productName)
    {
        ArgumentNullException.ThrowIfNull(productName);
        var name = productName.Replace("Microsoft ", "", StringComparison.OrdinalIgnoreCase).Replace("(R)", "", StringComparison.Ordinal).Replace("®", "", StringComparison.Ordinal).Trim();
        return Windows
            .Where(row => name.StartsWith(row.Product, StringComparison.OrdinalIgnoreCase)
                && (name.Length == row.Product.Length || name[row.Product.Length] == ' '))
            .MaxBy(row => row.Product.Length);
    }

    public static bool IsWindowsEndOfLife(WindowsSupportRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return WindowsEndOfLife.Contains(row.Product, StringComparer.Ordinal);
    }
}

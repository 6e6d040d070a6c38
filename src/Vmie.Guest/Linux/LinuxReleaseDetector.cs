using System.Text.RegularExpressions;
using Vmie.Guest.FileSystems;

namespace Vmie.Guest.Linux;

/// <summary>
/// Tells the distribution and version of a Linux root (field notes §3–§4):
/// <list type="number">
/// <item>/etc/os-release, else /usr/lib/os-release: ID names the distribution, VERSION_ID the version.</item>
/// <item>The distribution's own release file refines the version when it is longer and agrees (os-release
/// says Debian "12", debian_version "12.4"; CentOS "7", centos-release "7.9.2009" → 7.9).</item>
/// <item>RHEL counts only with /etc/redhat-release and without fedora-, rocky-, oracle- or centos-release
/// (those derivatives ship a redhat-release too); a clash hands the root to the derivative the file names.</item>
/// <item>Without a usable os-release, the legacy files in libguestfs' order: lsb-release, oracle-, centos-,
/// rocky-, fedora-, redhat-, system-release, SuSE-release (VERSION/PATCHLEVEL), debian_version.</item>
/// </list>
/// </summary>
public static partial class LinuxReleaseDetector
{
    /// <summary>Release files are a few lines; a larger one is not what it claims to be.</summary>
    private const int MaxReleaseFileBytes = 64 * 1024;

    private static readonly (string Path, LinuxDistribution Distribution)[] DerivativeReleaseFiles =
    [
        ("/etc/oracle-release", LinuxDistribution.OracleLinux),
        ("/etc/centos-release", LinuxDistribution.CentOS),
        ("/etc/rocky-release", LinuxDistribution.RockyLinux),
        ("/etc/fedora-release", LinuxDistribution.Fedora),
    ];

    public static async ValueTask<LinuxRelease?> DetectAsync(GuestFiles root, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(root);
        var conflicts = new List<string>();
        var osRelease = await ReadAssignmentsAsync(root, "/etc/os-release", conflicts, cancellationToken).ConfigureAwait(false)
            ?? await ReadAssignmentsAsync(root, "/usr/lib/os-release", conflicts, cancellationToken).ConfigureAwait(false);
        if (osRelease?["ID"] is { Length: > 0 })
        {
            return await FromOsReleaseAsync(root, osRelease, conflicts, cancellationToken).ConfigureAwait(false);
        }

        return await FromLegacyFilesAsync(root, conflicts, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The distribution an os-release ID names (IDs as the distributions ship them).</summary>
    public static LinuxDistribution FromOsReleaseId(string id) => id.ToLowerInvariant() switch
    {
        "amzn" => LinuxDistribution.AmazonLinux,
        "centos" => LinuxDistribution.CentOS,
        "debian" => LinuxDistribution.Debian,
        "fedora" => LinuxDistribution.Fedora,
        "ol" => LinuxDistribution.OracleLinux,
        "rhel" => LinuxDistribution.Rhel,
        "rocky" => LinuxDistribution.RockyLinux,
        "sles" or "sles_sap" => LinuxDistribution.Sles,
        "ubuntu" => LinuxDistribution.Ubuntu,
        _ => LinuxDistribution.Other,
    };

    /// <summary>The distribution a release file's first line names ("CentOS Linux release 7.9.2009 (Core)").</summary>
    public static LinuxDistribution FromReleaseLine(string line)
    {
        if (line.StartsWith("Red Hat Enterprise Linux", StringComparison.OrdinalIgnoreCase))
        {
            return LinuxDistribution.Rhel;
        }

        return line switch
        {
            _ when line.StartsWith("CentOS", StringComparison.OrdinalIgnoreCase) => LinuxDistribution.CentOS,
            _ when line.StartsWith("Oracle Linux", StringComparison.OrdinalIgnoreCase) || line.StartsWith("Enterprise Linux Enterprise Linux", StringComparison.OrdinalIgnoreCase) => LinuxDistribution.OracleLinux,
            _ when line.StartsWith("Rocky Linux", StringComparison.OrdinalIgnoreCase) => LinuxDistribution.RockyLinux,
            _ when line.StartsWith("Fedora", StringComparison.OrdinalIgnoreCase) => LinuxDistribution.Fedora,
            _ when line.StartsWith("Amazon Linux", StringComparison.OrdinalIgnoreCase) => LinuxDistribution.AmazonLinux,
            _ when line.StartsWith("SUSE Linux Enterprise Server", StringComparison.OrdinalIgnoreCase) => LinuxDistribution.Sles,
            _ => LinuxDistribution.Other,
        };
    }

    private static async ValueTask<LinuxRelease> FromOsReleaseAsync(GuestFiles root, ShellAssignmentFile osRelease, List<string> conflicts, CancellationToken cancellationToken)
    {
        var id = osRelease["ID"]!;
        var distribution = FromOsReleaseId(id);
        var evidence = new List<LinuxEvidence> { osRelease.EvidenceFor("ID")! };
        var version = osRelease["VERSION_ID"] is { Length: > 0 } versionId ? versionId : null;
        if (osRelease.EvidenceFor("VERSION_ID") is { } versionEvidence)
        {
            evidence.Add(versionEvidence);
        }

        if (distribution == LinuxDistribution.Rhel)
        {
            distribution = await CheckRhelFingerprintAsync(root, evidence, conflicts, cancellationToken).ConfigureAwait(false);
        }

        if (ReleaseFileOf(distribution) is { } releaseFile
            && await ReadFirstLineAsync(root, releaseFile, conflicts, cancellationToken).ConfigureAwait(false) is { } line
            && VersionInReleaseLine(distribution, line) is { } fileVersion
            && IsRefinement(version, fileVersion))
        {
            // The longer version wins: os-release of Debian and CentOS lacks the minor release.
            version = fileVersion;
            evidence.Add(new LinuxEvidence(releaseFile, 1, line));
        }

        return Build(distribution, id, SplitIdLike(osRelease["ID_LIKE"]), osRelease["NAME"], osRelease["PRETTY_NAME"], version, evidence, conflicts);
    }

    private static async ValueTask<LinuxDistribution> CheckRhelFingerprintAsync(GuestFiles root, List<LinuxEvidence> evidence, List<string> conflicts, CancellationToken cancellationToken)
    {
        foreach (var (path, derivative) in DerivativeReleaseFiles)
        {
            if (await root.ExistsAsync(path, cancellationToken).ConfigureAwait(false))
            {
                conflicts.Add($"os-release says RHEL but {path} exists: the root is taken as {derivative}.");
                evidence.Add(new LinuxEvidence(path, 0, "exists"));
                return derivative;
            }
        }

        if (!await root.ExistsAsync("/etc/redhat-release", cancellationToken).ConfigureAwait(false))
        {
            conflicts.Add("os-release says RHEL but /etc/redhat-release is missing: not recognised as RHEL.");
            return LinuxDistribution.Other;
        }

        return LinuxDistribution.Rhel;
    }

    private static async ValueTask<LinuxRelease?> FromLegacyFilesAsync(GuestFiles root, List<string> conflicts, CancellationToken cancellationToken)
    {
        var lsb = await ReadAssignmentsAsync(root, "/etc/lsb-release", conflicts, cancellationToken).ConfigureAwait(false);
        if (lsb?["DISTRIB_ID"] is { Length: > 0 } lsbId && lsbId.Equals("Ubuntu", StringComparison.OrdinalIgnoreCase))
        {
            var evidence = new List<LinuxEvidence> { lsb.EvidenceFor("DISTRIB_ID")! };
            if (lsb.EvidenceFor("DISTRIB_RELEASE") is { } releaseEvidence)
            {
                evidence.Add(releaseEvidence);
            }

            return Build(LinuxDistribution.Ubuntu, "ubuntu", [], lsbId, lsb["DISTRIB_DESCRIPTION"], lsb["DISTRIB_RELEASE"], evidence, conflicts);
        }

        string[] releaseFiles = ["/etc/oracle-release", "/etc/centos-release", "/etc/rocky-release", "/etc/fedora-release", "/etc/redhat-release", "/etc/system-release"];
        foreach (var path in releaseFiles)
        {
            if (await ReadFirstLineAsync(root, path, conflicts, cancellationToken).ConfigureAwait(false) is not { } line)
            {
                continue;
            }

            var distribution = FromReleaseLine(line);
            if (distribution == LinuxDistribution.Rhel && path == "/etc/redhat-release")
            {
                // The files earlier in the list were absent, so the RHEL fingerprint holds.
            }
            else if (distribution == LinuxDistribution.Rhel)
            {
                conflicts.Add($"{path} names Red Hat Enterprise Linux: not taken as RHEL without being /etc/redhat-release.");
                distribution = LinuxDistribution.Other;
            }

            return Build(distribution, null, [], line, line, VersionInReleaseLine(distribution, line), [new LinuxEvidence(path, 1, line)], conflicts);
        }

        if (await ReadTextAsync(root, "/etc/SuSE-release", conflicts, cancellationToken).ConfigureAwait(false) is { } suse)
        {
            return FromSuseRelease(suse, conflicts);
        }

        if (await ReadFirstLineAsync(root, "/etc/debian_version", conflicts, cancellationToken).ConfigureAwait(false) is { } debianVersion)
        {
            var version = DottedVersion().Match(debianVersion) is { Success: true, Index: 0 } match ? match.Value : null;
            return Build(LinuxDistribution.Debian, "debian", [], "Debian GNU/Linux", null, version, [new LinuxEvidence("/etc/debian_version", 1, debianVersion)], conflicts);
        }

        return null;
    }

    private static LinuxRelease FromSuseRelease(string content, List<string> conflicts)
    {
        var lines = content.Split('\n');
        var evidence = new List<LinuxEvidence> { new("/etc/SuSE-release", 1, lines[0].TrimEnd('\r')) };
        string? version = null;
        string? patchLevel = null;
        for (var i = 1; i < lines.Length; i++)
        {
            var match = SuseAssignment().Match(lines[i]);
            if (!match.Success)
            {
                continue;
            }

            if (match.Groups[1].Value == "VERSION")
            {
                version = match.Groups[2].Value;
                evidence.Add(new LinuxEvidence("/etc/SuSE-release", i + 1, lines[i].TrimEnd('\r')));
            }
            else if (match.Groups[1].Value == "PATCHLEVEL")
            {
                patchLevel = match.Groups[2].Value;
                evidence.Add(new LinuxEvidence("/etc/SuSE-release", i + 1, lines[i].TrimEnd('\r')));
            }
        }

        var distribution = FromReleaseLine(lines[0]);
        var full = version is null ? null : patchLevel is null || version.Contains('.', StringComparison.Ordinal) ? version : $"{version}.{patchLevel}";
        return Build(distribution, null, [], lines[0].TrimEnd('\r'), lines[0].TrimEnd('\r'), full, evidence, conflicts);
    }

    private static LinuxRelease Build(LinuxDistribution distribution, string? id, IReadOnlyList<string> idLike, string? name, string? prettyName, string? version, List<LinuxEvidence> evidence, List<string> conflicts)
    {
        int? major = null;
        int? minor = null;
        if (version is not null && LeadingMajorMinor().Match(version) is { Success: true } match)
        {
            major = int.TryParse(match.Groups[1].Value, out var parsedMajor) ? parsedMajor : null;
            minor = match.Groups[2].Success && int.TryParse(match.Groups[2].Value, out var parsedMinor) ? parsedMinor : null;
        }

        // SLES numbers service packs as the minor version ("15.4" is 15 SP4; "12" is the base release).
        int? servicePack = distribution == LinuxDistribution.Sles && major is not null ? minor ?? 0 : null;
        return new LinuxRelease(distribution, id, idLike, name, prettyName, version, major, minor, servicePack, evidence, conflicts);
    }

    /// <summary>
    /// The file whose version may refine os-release's. Amazon Linux is left out: system-release's
    /// "2023.4.20240528" is a package snapshot, not a finer release of "2023".
    /// </summary>
    private static string? ReleaseFileOf(LinuxDistribution distribution) => distribution switch
    {
        LinuxDistribution.Debian => "/etc/debian_version",
        LinuxDistribution.CentOS => "/etc/centos-release",
        LinuxDistribution.Rhel => "/etc/redhat-release",
        LinuxDistribution.OracleLinux => "/etc/oracle-release",
        LinuxDistribution.RockyLinux => "/etc/rocky-release",
        LinuxDistribution.Fedora => "/etc/fedora-release",
        _ => null,
    };

    /// <summary>The version a release file states: Debian's whole dotted string, else "release X[.Y]".</summary>
    private static string? VersionInReleaseLine(LinuxDistribution distribution, string line)
    {
        if (distribution == LinuxDistribution.Debian)
        {
            return DottedVersion().Match(line) is { Success: true, Index: 0 } debian ? debian.Value : null;
        }

        return ReleaseVersion().Match(line) is { Success: true } match ? match.Groups[1].Value : null;
    }

    /// <summary>True when <paramref name="candidate"/> says more than <paramref name="current"/> without contradicting it.</summary>
    private static bool IsRefinement(string? current, string candidate) =>
        current is null || (candidate.Length > current.Length && candidate.StartsWith(current + ".", StringComparison.Ordinal));

    private static string[] SplitIdLike(string? idLike) => idLike?.Split(' ', StringSplitOptions.RemoveEmptyEntries) ?? [];

    private static async ValueTask<ShellAssignmentFile?> ReadAssignmentsAsync(GuestFiles root, string path, List<string> conflicts, CancellationToken cancellationToken) =>
        await ReadTextAsync(root, path, conflicts, cancellationToken).ConfigureAwait(false) is { } text ? ShellAssignmentFile.Parse(path, text) : null;

    private static async ValueTask<string?> ReadFirstLineAsync(GuestFiles root, string path, List<string> conflicts, CancellationToken cancellationToken)
    {
        var text = await ReadTextAsync(root, path, conflicts, cancellationToken).ConfigureAwait(false);
        var line = text?.Split('\n')[0].Trim();
        return string.IsNullOrEmpty(line) ? null : line;
    }

    private static async ValueTask<string?> ReadTextAsync(GuestFiles root, string path, List<string> conflicts, CancellationToken cancellationToken)
    {
        try
        {
            return await root.ReadAllTextAsync(path, MaxReleaseFileBytes, cancellationToken).ConfigureAwait(false);
        }
        catch (GuestFileTooLargeException)
        {
            conflicts.Add($"{path} is larger than {MaxReleaseFileBytes} bytes: ignored.");
            return null;
        }
    }

    [GeneratedRegex(@"^\d+(\.\d+)*")]
    private static partial Regex DottedVersion();

    [GeneratedRegex(@"release\s+(\d+(?:\.\d+)?)", RegexOptions.IgnoreCase)]
    private static partial Regex ReleaseVersion();

    [GeneratedRegex(@"^\s*(VERSION|PATCHLEVEL)\s*=\s*(\d+(?:\.\d+)?)\s*$")]
    private static partial Regex SuseAssignment();

    [GeneratedRegex(@"^(\d+)(?:\.(\d+))?")]
    private static partial Regex LeadingMajorMinor();
}

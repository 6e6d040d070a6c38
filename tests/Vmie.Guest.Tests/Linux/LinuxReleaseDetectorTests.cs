using Vmie.Guest.Linux;

namespace Vmie.Guest.Tests.Linux;

public class LinuxReleaseDetectorTests
{
    /// <summary>Release files as each distribution ships them; expected distribution, version, major, minor, service pack.</summary>
    public static TheoryData<string, Dictionary<string, string>, LinuxDistribution, string?, int?, int?, int?> Distributions => new()
    {
        {
            "Amazon Linux 2023",
            new()
            {
                ["/etc/os-release"] = "NAME=\"Amazon Linux\"\nVERSION=\"2023\"\nID=\"amzn\"\nID_LIKE=\"fedora\"\nVERSION_ID=\"2023\"\nPLATFORM_ID=\"platform:al2023\"\nPRETTY_NAME=\"Amazon Linux 2023.4.20240528\"\nANSI_COLOR=\"0;33\"\n",
                ["/etc/system-release"] = "Amazon Linux release 2023.4.20240528 (Amazon Linux)\n",
            },
            LinuxDistribution.AmazonLinux, "2023", 2023, null, null
        },
        {
            "Amazon Linux 2",
            new()
            {
                ["/etc/os-release"] = "NAME=\"Amazon Linux\"\nVERSION=\"2\"\nID=\"amzn\"\nID_LIKE=\"centos rhel fedora\"\nVERSION_ID=\"2\"\nPRETTY_NAME=\"Amazon Linux 2\"\n",
                ["/etc/system-release"] = "Amazon Linux release 2 (Karoo)\n",
            },
            LinuxDistribution.AmazonLinux, "2", 2, null, null
        },
        {
            "CentOS 7 (minor from centos-release)",
            new()
            {
                ["/etc/os-release"] = "NAME=\"CentOS Linux\"\nVERSION=\"7 (Core)\"\nID=\"centos\"\nID_LIKE=\"rhel fedora\"\nVERSION_ID=\"7\"\nPRETTY_NAME=\"CentOS Linux 7 (Core)\"\n",
                ["/etc/centos-release"] = "CentOS Linux release 7.9.2009 (Core)\n",
                ["/etc/redhat-release"] = "-> centos-release",
            },
            LinuxDistribution.CentOS, "7.9", 7, 9, null
        },
        {
            "CentOS 6 (legacy files only)",
            new()
            {
                ["/etc/centos-release"] = "CentOS release 6.10 (Final)\n",
                ["/etc/redhat-release"] = "-> centos-release",
            },
            LinuxDistribution.CentOS, "6.10", 6, 10, null
        },
        {
            "CentOS 5 (redhat-release only)",
            new() { ["/etc/redhat-release"] = "CentOS release 5.11 (Final)\n" },
            LinuxDistribution.CentOS, "5.11", 5, 11, null
        },
        {
            "CentOS Stream 9",
            new()
            {
                ["/etc/os-release"] = "NAME=\"CentOS Stream\"\nVERSION=\"9\"\nID=\"centos\"\nID_LIKE=\"rhel fedora\"\nVERSION_ID=\"9\"\n",
                ["/etc/centos-release"] = "CentOS Stream release 9\n",
            },
            LinuxDistribution.CentOS, "9", 9, null, null
        },
        {
            "Debian 12 (minor from debian_version)",
            new()
            {
                ["/etc/os-release"] = "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\nVERSION=\"12 (bookworm)\"\nVERSION_CODENAME=bookworm\nID=debian\n",
                ["/etc/debian_version"] = "12.4\n",
            },
            LinuxDistribution.Debian, "12.4", 12, 4, null
        },
        {
            "Debian 7 (debian_version only)",
            new() { ["/etc/debian_version"] = "7.8\n" },
            LinuxDistribution.Debian, "7.8", 7, 8, null
        },
        {
            "Debian 6.0.8",
            new()
            {
                ["/etc/debian_version"] = "6.0.8\n",
                ["/etc/lsb-release"] = "",
            },
            LinuxDistribution.Debian, "6.0.8", 6, 0, null
        },
        {
            "Fedora 39",
            new()
            {
                ["/etc/os-release"] = "NAME=\"Fedora Linux\"\nVERSION=\"39 (Cloud Edition)\"\nID=fedora\nVERSION_ID=39\nPRETTY_NAME=\"Fedora Linux 39 (Cloud Edition)\"\nVARIANT_ID=cloud\n",
                ["/etc/fedora-release"] = "Fedora release 39 (Thirty Nine)\n",
                ["/etc/redhat-release"] = "-> fedora-release",
            },
            LinuxDistribution.Fedora, "39", 39, null, null
        },
        {
            "Fedora 20 (legacy)",
            new()
            {
                ["/etc/fedora-release"] = "Fedora release 20 (Heisenbug)\n",
                ["/etc/redhat-release"] = "-> fedora-release",
            },
            LinuxDistribution.Fedora, "20", 20, null, null
        },
        {
            "Oracle Linux 8.9",
            new()
            {
                ["/etc/os-release"] = "NAME=\"Oracle Linux Server\"\nVERSION=\"8.9\"\nID=\"ol\"\nID_LIKE=\"fedora\"\nVARIANT=\"Server\"\nVERSION_ID=\"8.9\"\nPRETTY_NAME=\"Oracle Linux Server 8.9\"\n",
                ["/etc/oracle-release"] = "Oracle Linux Server release 8.9\n",
                ["/etc/redhat-release"] = "Red Hat Enterprise Linux release 8.9 (Ootpa)\n",
            },
            LinuxDistribution.OracleLinux, "8.9", 8, 9, null
        },
        {
            "Oracle Linux 6 (legacy)",
            new()
            {
                ["/etc/oracle-release"] = "Oracle Linux Server release 6.10\n",
                ["/etc/redhat-release"] = "Red Hat Enterprise Linux Server release 6.10 (Santiago)\n",
            },
            LinuxDistribution.OracleLinux, "6.10", 6, 10, null
        },
        {
            "RHEL 9.4",
            new()
            {
                ["/etc/os-release"] = "NAME=\"Red Hat Enterprise Linux\"\nVERSION=\"9.4 (Plow)\"\nID=\"rhel\"\nID_LIKE=\"fedora\"\nVERSION_ID=\"9.4\"\nPRETTY_NAME=\"Red Hat Enterprise Linux 9.4 (Plow)\"\n",
                ["/etc/redhat-release"] = "Red Hat Enterprise Linux release 9.4 (Plow)\n",
            },
            LinuxDistribution.Rhel, "9.4", 9, 4, null
        },
        {
            "RHEL 7 (os-release without the minor)",
            new()
            {
                ["/etc/os-release"] = "NAME=\"Red Hat Enterprise Linux Server\"\nVERSION=\"7.9 (Maipo)\"\nID=\"rhel\"\nVERSION_ID=\"7.9\"\n",
                ["/etc/redhat-release"] = "Red Hat Enterprise Linux Server release 7.9 (Maipo)\n",
            },
            LinuxDistribution.Rhel, "7.9", 7, 9, null
        },
        {
            "RHEL 5 (legacy)",
            new() { ["/etc/redhat-release"] = "Red Hat Enterprise Linux Server release 5.11 (Tikanga)\n" },
            LinuxDistribution.Rhel, "5.11", 5, 11, null
        },
        {
            "Rocky Linux 9.4",
            new()
            {
                ["/etc/os-release"] = "NAME=\"Rocky Linux\"\nVERSION=\"9.4 (Blue Onyx)\"\nID=\"rocky\"\nID_LIKE=\"rhel centos fedora\"\nVERSION_ID=\"9.4\"\n",
                ["/etc/rocky-release"] = "Rocky Linux release 9.4 (Blue Onyx)\n",
                ["/etc/redhat-release"] = "-> rocky-release",
            },
            LinuxDistribution.RockyLinux, "9.4", 9, 4, null
        },
        {
            "SLES 15 SP5",
            new() { ["/usr/lib/os-release"] = "NAME=\"SLES\"\nVERSION=\"15-SP5\"\nVERSION_ID=\"15.5\"\nPRETTY_NAME=\"SUSE Linux Enterprise Server 15 SP5\"\nID=\"sles\"\nID_LIKE=\"suse\"\n", ["/etc/os-release"] = "-> ../usr/lib/os-release" },
            LinuxDistribution.Sles, "15.5", 15, 5, 5
        },
        {
            "SLES 12 (base)",
            new() { ["/etc/os-release"] = "NAME=\"SLES\"\nVERSION=\"12\"\nVERSION_ID=\"12\"\nID=\"sles\"\n" },
            LinuxDistribution.Sles, "12", 12, null, 0
        },
        {
            "SLES for SAP 15 SP4",
            new() { ["/etc/os-release"] = "NAME=\"SLES\"\nVERSION_ID=\"15.4\"\nID=\"sles_sap\"\n" },
            LinuxDistribution.Sles, "15.4", 15, 4, 4
        },
        {
            "SLES 11 SP4 (SuSE-release)",
            new() { ["/etc/SuSE-release"] = "SUSE Linux Enterprise Server 11 (x86_64)\nVERSION = 11\nPATCHLEVEL = 4\n" },
            LinuxDistribution.Sles, "11.4", 11, 4, 4
        },
        {
            "Ubuntu 22.04",
            new()
            {
                ["/usr/lib/os-release"] = "PRETTY_NAME=\"Ubuntu 22.04.4 LTS\"\nNAME=\"Ubuntu\"\nVERSION_ID=\"22.04\"\nVERSION=\"22.04.4 LTS (Jammy Jellyfish)\"\nVERSION_CODENAME=jammy\nID=ubuntu\nID_LIKE=debian\n",
                ["/etc/os-release"] = "-> ../usr/lib/os-release",
                ["/etc/debian_version"] = "bookworm/sid\n",
                ["/etc/lsb-release"] = "DISTRIB_ID=Ubuntu\nDISTRIB_RELEASE=22.04\nDISTRIB_CODENAME=jammy\nDISTRIB_DESCRIPTION=\"Ubuntu 22.04.4 LTS\"\n",
            },
            LinuxDistribution.Ubuntu, "22.04", 22, 4, null
        },
        {
            "Ubuntu 12.04 (lsb-release)",
            new()
            {
                ["/etc/lsb-release"] = "DISTRIB_ID=Ubuntu\nDISTRIB_RELEASE=12.04\nDISTRIB_CODENAME=precise\nDISTRIB_DESCRIPTION=\"Ubuntu 12.04.5 LTS\"\n",
                ["/etc/debian_version"] = "wheezy/sid\n",
            },
            LinuxDistribution.Ubuntu, "12.04", 12, 4, null
        },
        {
            "openSUSE Leap (outside the table)",
            new() { ["/etc/os-release"] = "NAME=\"openSUSE Leap\"\nVERSION_ID=\"15.5\"\nID=\"opensuse-leap\"\nID_LIKE=\"suse opensuse\"\n" },
            LinuxDistribution.Other, "15.5", 15, 5, null
        },
        {
            "AlmaLinux (an unsupported RHEL rebuild)",
            new()
            {
                ["/etc/os-release"] = "NAME=\"AlmaLinux\"\nVERSION_ID=\"9.4\"\nID=\"almalinux\"\nID_LIKE=\"rhel centos fedora\"\n",
                ["/etc/redhat-release"] = "AlmaLinux release 9.4 (Seafoam Ocelot)\n",
            },
            LinuxDistribution.Other, "9.4", 9, 4, null
        },
    };

    [Theory]
    [MemberData(nameof(Distributions))]
    public async Task Detects_distribution_and_version(string name, Dictionary<string, string> files, LinuxDistribution distribution, string? version, int? major, int? minor, int? servicePack)
    {
        var release = await LinuxReleaseDetector.DetectAsync(LinuxTree.Root(files));

        Assert.NotNull(release);
        Assert.True(distribution == release.Distribution, $"{name}: expected {distribution}, got {release.Distribution}");
        Assert.Equal(version, release.Version);
        Assert.Equal(major, release.Major);
        Assert.Equal(minor, release.Minor);
        Assert.Equal(servicePack, release.ServicePack);
        Assert.NotEmpty(release.Evidence);
    }

    [Fact]
    public async Task Rhel_with_a_centos_release_file_is_centos()
    {
        var release = await LinuxReleaseDetector.DetectAsync(LinuxTree.Root(new Dictionary<string, string>
        {
            ["/etc/os-release"] = "ID=\"rhel\"\nVERSION_ID=\"7.9\"\n",
            ["/etc/redhat-release"] = "Red Hat Enterprise Linux Server release 7.9 (Maipo)\n",
            ["/etc/centos-release"] = "CentOS Linux release 7.9.2009 (Core)\n",
        }));

        Assert.Equal(LinuxDistribution.CentOS, release!.Distribution);
        Assert.Contains(release.Conflicts, conflict => conflict.Contains("centos-release", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Rhel_without_redhat_release_is_not_recognised()
    {
        var release = await LinuxReleaseDetector.DetectAsync(LinuxTree.Root(new Dictionary<string, string> { ["/etc/os-release"] = "ID=rhel\nVERSION_ID=9.4\n" }));

        Assert.Equal(LinuxDistribution.Other, release!.Distribution);
        Assert.Equal("rhel", release.Id);
        Assert.Single(release.Conflicts);
    }

    [Fact]
    public async Task A_contradicting_release_file_does_not_change_the_version()
    {
        var release = await LinuxReleaseDetector.DetectAsync(LinuxTree.Root(new Dictionary<string, string>
        {
            ["/etc/os-release"] = "ID=debian\nVERSION_ID=\"12\"\n",
            ["/etc/debian_version"] = "11.9\n",
        }));

        Assert.Equal("12", release!.Version);
        Assert.Equal(new LinuxEvidence("/etc/os-release", 2, "VERSION_ID=\"12\""), release.Evidence[1]);
    }

    [Fact]
    public async Task Os_release_wins_over_legacy_files_and_keeps_its_names()
    {
        var release = await LinuxReleaseDetector.DetectAsync(LinuxTree.Root(new Dictionary<string, string>
        {
            ["/etc/os-release"] = "# comment\nNAME='Ubuntu'\nID=ubuntu\nID_LIKE=\"debian\"\nPRETTY_NAME=\"Ubuntu 24.04 LTS\"\nVERSION_ID=\"24.04\"\n",
            ["/etc/redhat-release"] = "Red Hat Enterprise Linux release 9.4 (Plow)\n",
        }));

        Assert.Equal(LinuxDistribution.Ubuntu, release!.Distribution);
        Assert.Equal("Ubuntu", release.Name);
        Assert.Equal("Ubuntu 24.04 LTS", release.PrettyName);
        Assert.Equal(["debian"], release.IdLike);
        Assert.Equal(new LinuxEvidence("/etc/os-release", 3, "ID=ubuntu"), release.Evidence[0]);
    }

    [Fact]
    public async Task No_release_file_gives_null()
    {
        Assert.Null(await LinuxReleaseDetector.DetectAsync(LinuxTree.Root(new Dictionary<string, string> { ["/etc/hostname"] = "box\n" })));
    }

    [Fact]
    public async Task An_oversized_release_file_is_ignored_with_a_note()
    {
        var release = await LinuxReleaseDetector.DetectAsync(LinuxTree.Root(new Dictionary<string, string>
        {
            ["/etc/os-release"] = "ID=debian\n" + new string('#', 70_000),
            ["/etc/debian_version"] = "10.13\n",
        }));

        Assert.Equal(LinuxDistribution.Debian, release!.Distribution);
        Assert.Equal("10.13", release.Version);
        Assert.Contains(release.Conflicts, conflict => conflict.Contains("/etc/os-release", StringComparison.Ordinal));
    }
}

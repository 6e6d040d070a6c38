namespace Vmie.Guest.Linux;

/// <summary>The distributions of the support table (spec §4.2.1), and Other for every Linux outside it.</summary>
public enum LinuxDistribution
{
    Other,
    AmazonLinux,
    CentOS,
    Debian,
    Fedora,
    OracleLinux,
    Rhel,
    RockyLinux,
    Sles,
    Ubuntu,
}

namespace Vmie.Ec2.Images.Licensing;

/// <summary>
/// The usage operation codes ImportImage accepts (spec §8.3, exactly these), with the PlatformDetails EC2 shows
/// for AMIs billed with them. Two table rows share RunInstances:0002 and two share RunInstances:0800 (SQL Server
/// brought by the customer bills as without SQL Server); one entry per code is kept.
/// </summary>
public static class UsageOperationCodes
{
    public static readonly UsageOperationCode WindowsLicenseIncluded = new("RunInstances:0002", GuestOsFamily.Windows, LicenseTypes.Aws, "Windows");
    public static readonly UsageOperationCode WindowsWithSqlStandard = new("RunInstances:0006", GuestOsFamily.Windows, LicenseTypes.Aws, "Windows with SQL Server Standard");
    public static readonly UsageOperationCode WindowsWithSqlEnterprise = new("RunInstances:0102", GuestOsFamily.Windows, LicenseTypes.Aws, "Windows with SQL Server Enterprise");
    public static readonly UsageOperationCode WindowsWithSqlWeb = new("RunInstances:0202", GuestOsFamily.Windows, LicenseTypes.Aws, "Windows with SQL Server Web");
    public static readonly UsageOperationCode WindowsByol = new("RunInstances:0800", GuestOsFamily.Windows, LicenseTypes.Byol, "Windows BYOL");
    public static readonly UsageOperationCode LinuxUnix = new("RunInstances", GuestOsFamily.Linux, LicenseTypes.Byol, "Linux/UNIX");
    public static readonly UsageOperationCode LinuxWithSqlEnterprise = new("RunInstances:0100", GuestOsFamily.Linux, LicenseTypes.Byol, "Linux with SQL Server Enterprise");
    public static readonly UsageOperationCode LinuxWithSqlStandard = new("RunInstances:0004", GuestOsFamily.Linux, LicenseTypes.Byol, "Linux with SQL Server Standard");
    public static readonly UsageOperationCode LinuxWithSqlWeb = new("RunInstances:0200", GuestOsFamily.Linux, LicenseTypes.Byol, "Linux with SQL Server Web");

    /// <summary>Red Hat and SUSE with the OS license included: accepted as codes, refused for imports (Linux is BYOL only, spec §8.4).</summary>
    public static readonly UsageOperationCode RedHatEnterpriseLinux = new("RunInstances:0010", GuestOsFamily.Linux, LicenseTypes.Aws, "Red Hat Enterprise Linux");

    public static readonly UsageOperationCode SuseLinux = new("RunInstances:000g", GuestOsFamily.Linux, LicenseTypes.Aws, "SUSE Linux");

    public static readonly IReadOnlyList<UsageOperationCode> All =
    [
        WindowsLicenseIncluded, WindowsWithSqlStandard, WindowsWithSqlEnterprise, WindowsWithSqlWeb, WindowsByol,
        LinuxUnix, LinuxWithSqlEnterprise, LinuxWithSqlStandard, LinuxWithSqlWeb, RedHatEnterpriseLinux, SuseLinux,
    ];

    /// <summary>The row of <paramref name="code"/> (compared exactly), or null.</summary>
    public static UsageOperationCode? Find(string? code) => All.FirstOrDefault(c => c.Code == code);

    /// <summary>The code an AMI gets for an OS license choice without SQL Server.</summary>
    public static UsageOperationCode For(GuestOsFamily family, string licenseType) => (family, licenseType) switch
    {
        (GuestOsFamily.Windows, LicenseTypes.Aws) => WindowsLicenseIncluded,
        (GuestOsFamily.Windows, LicenseTypes.Byol) => WindowsByol,
        (GuestOsFamily.Linux, LicenseTypes.Byol) => LinuxUnix,
        _ => throw new ArgumentException($"No usage operation for {family} with license type {licenseType}.", nameof(licenseType)),
    };
}

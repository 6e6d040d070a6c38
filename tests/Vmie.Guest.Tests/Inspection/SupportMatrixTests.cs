using Vmie.Guest.Inspection;
using Vmie.Guest.Linux;

namespace Vmie.Guest.Tests.Inspection;

public class SupportMatrixTests
{
    [Theory]
    [InlineData(LinuxDistribution.Debian, "12.4", null, "6.1.0-18-amd64", true)]
    [InlineData(LinuxDistribution.Debian, "12.4", null, "6.10.0-1-amd64", false)]
    [InlineData(LinuxDistribution.Debian, "11", null, "5.10.0-28-amd64", true)]
    [InlineData(LinuxDistribution.Rhel, "6.10", null, "2.6.32-754.el6.x86_64", true)]
    [InlineData(LinuxDistribution.Rhel, "6.0", null, "2.6.32-71.el6.x86_64", false)]
    [InlineData(LinuxDistribution.Rhel, "9.4", null, "5.14.0-427.13.1.el9_4.x86_64", true)]
    [InlineData(LinuxDistribution.Ubuntu, "22.04", null, "5.15.0-105-generic", true)]
    [InlineData(LinuxDistribution.Ubuntu, "22.04", null, "6.5.0-35-generic", false)]
    [InlineData(LinuxDistribution.Sles, "15.4", 4, "5.14.21-150400.24.97-default", true)]
    [InlineData(LinuxDistribution.Sles, "15.6", 6, "5.14.21-150400.24.97-default", false)]
    [InlineData(LinuxDistribution.Sles, "12", 0, "3.12.28-4-default", true)]
    [InlineData(LinuxDistribution.OracleLinux, "5.11", null, "2.6.39-400.215.10.el5uek", true)]
    [InlineData(LinuxDistribution.AmazonLinux, "2023", null, "6.1.79-99.167.amzn2023.x86_64", true)]
    [InlineData(LinuxDistribution.CentOS, "7.9.2009", null, "3.10.0-1160.el7.x86_64", true)]
    public void Linux_rows_decide_the_kernel(LinuxDistribution distribution, string version, int? servicePack, string kernel, bool supported)
    {
        var rows = SupportMatrix.FindLinuxRows(distribution, version, servicePack);
        Assert.Equal(supported, rows.Any(row => row.MatchesKernel(kernel)));
    }

    [Theory]
    [InlineData(LinuxDistribution.Debian, "12.7", 0, 2)]
    [InlineData(LinuxDistribution.CentOS, "8.5", 0, 1)]
    [InlineData(LinuxDistribution.Debian, "9.13", 0, 0)]
    [InlineData(LinuxDistribution.Ubuntu, "24.04", 1, 1)]
    public void Unlisted_minor_versions_fall_back_to_their_major(LinuxDistribution distribution, string version, int exactRows, int majorRows)
    {
        Assert.Equal(exactRows, SupportMatrix.FindLinuxRows(distribution, version, null).Count);
        Assert.Equal(majorRows, SupportMatrix.FindLinuxRowsOfMajor(distribution, version).Count);
    }

    [Theory]
    [InlineData(LinuxDistribution.Debian, "10.13", true)]
    [InlineData(LinuxDistribution.Debian, "12.4", false)]
    [InlineData(LinuxDistribution.Ubuntu, "14.04", true)]
    [InlineData(LinuxDistribution.Ubuntu, "16.04", false)]
    [InlineData(LinuxDistribution.CentOS, "8.2", true)]
    public void End_of_life_list(LinuxDistribution distribution, string version, bool endOfLife) =>
        Assert.Equal(endOfLife, SupportMatrix.IsLinuxEndOfLife(distribution, version));

    [Theory]
    [InlineData("Windows Server 2008 R2 Datacenter", "Windows Server 2008 R2")]
    [InlineData("Windows Server 2008 Standard", "Windows Server 2008")]
    [InlineData("Windows 8.1 Pro", "Windows 8.1")]
    [InlineData("Windows 8 Enterprise", "Windows 8")]
    [InlineData("Microsoft Windows Server 2003 R2", "Windows Server 2003 R2")]
    [InlineData("Windows 10 Pro", "Windows 10")]
    [InlineData("Windows Server 2022 Datacenter", "Windows Server 2022")]
    public void Windows_products_find_their_row(string productName, string product) =>
        Assert.Equal(product, SupportMatrix.FindWindows(productName)?.Product);

    [Theory]
    [InlineData("Windows Vista Business")]
    [InlineData("Windows Server 2000")]
    public void Unsupported_windows_products_have_no_row(string productName) => Assert.Null(SupportMatrix.FindWindows(productName));

    [Theory]
    [InlineData("Windows Server 2016", "ServerDatacenter", true)]
    [InlineData("Windows Server 2016", "ServerStandardEval", true)]
    [InlineData("Windows Server 2016", "ServerWeb", false)]
    [InlineData("Windows Server 2008 R2", "ServerWeb", true)]
    [InlineData("Windows 10", "Core", true)]
    [InlineData("Windows 10", "ProfessionalN", true)]
    [InlineData("Windows 8.1", "Core", false)]
    [InlineData("Windows 7", "Ultimate", true)]
    public void Windows_editions(string product, string editionId, bool supported) =>
        Assert.Equal(supported, SupportMatrix.Windows.Single(row => row.Product == product).MatchesEdition(editionId));

    [Fact]
    public void Windows_bits_and_end_of_life()
    {
        Assert.Equal([32, 64], SupportMatrix.Windows.Single(row => row.Product == "Windows 7").Bits);
        Assert.Equal([64], SupportMatrix.Windows.Single(row => row.Product == "Windows 8.1").Bits);
        Assert.True(SupportMatrix.Windows.Single(row => row.Product == "Windows 11").RequiresUefi);
        Assert.True(SupportMatrix.IsWindowsEndOfLife(SupportMatrix.FindWindows("Windows Server 2008 Enterprise")!));
        Assert.False(SupportMatrix.IsWindowsEndOfLife(SupportMatrix.FindWindows("Windows Server 2008 R2 Enterprise")!));
    }

    [Theory]
    [InlineData("7.10", "7.9", 1)]
    [InlineData("7.9.2009", "7.9", 0)]
    [InlineData("12.4", "12", 0)]
    [InlineData("5.1", "5.11", -1)]
    public void Dotted_versions_compare_numerically(string version, string bound, int sign) =>
        Assert.Equal(sign, Math.Sign(DottedVersion.CompareToBound(version, bound)));
}

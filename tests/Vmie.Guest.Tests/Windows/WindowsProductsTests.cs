using Vmie.Guest.Windows;

namespace Vmie.Guest.Tests.Windows;

public sealed class WindowsProductsTests
{
    [Theory]
    [InlineData(5, 2, 3790, true, "Microsoft Windows Server 2003", WindowsProduct.WindowsServer2003)]
    [InlineData(5, 2, 3790, true, "Microsoft Windows Server 2003 R2", WindowsProduct.WindowsServer2003R2)]
    [InlineData(5, 2, 3790, false, "Microsoft Windows XP", WindowsProduct.Unknown)]
    [InlineData(5, 1, 2600, false, "Microsoft Windows XP", WindowsProduct.Unknown)]
    [InlineData(6, 0, 6002, true, "Windows Server (R) 2008 Standard", WindowsProduct.WindowsServer2008)]
    [InlineData(6, 0, 6002, false, "Windows Vista (TM) Business", WindowsProduct.Unknown)]
    [InlineData(6, 1, 7601, true, "Windows Server 2008 R2 Datacenter", WindowsProduct.WindowsServer2008R2)]
    [InlineData(6, 1, 7601, false, "Windows 7 Professional", WindowsProduct.Windows7)]
    [InlineData(6, 2, 9200, true, "Windows Server 2012 Standard", WindowsProduct.WindowsServer2012)]
    [InlineData(6, 2, 9200, false, "Windows 8 Pro", WindowsProduct.Windows8)]
    [InlineData(6, 3, 9600, true, "Windows Server 2012 R2 Datacenter", WindowsProduct.WindowsServer2012R2)]
    [InlineData(6, 3, 9600, false, "Windows 8.1 Enterprise", WindowsProduct.Windows81)]
    [InlineData(10, 0, 14393, true, "Windows Server 2016 Datacenter", WindowsProduct.WindowsServer2016)]
    [InlineData(10, 0, 16299, true, "Windows Server Datacenter", WindowsProduct.WindowsServer1709)]
    [InlineData(10, 0, 17134, true, "Windows Server Standard", WindowsProduct.WindowsServer1803)]
    [InlineData(10, 0, 17763, true, "Windows Server 2019 Standard", WindowsProduct.WindowsServer2019)]
    [InlineData(10, 0, 18363, true, "Windows Server Standard", WindowsProduct.Unknown)] // 1909, not in the table
    [InlineData(10, 0, 20348, true, "Windows Server 2022 Datacenter", WindowsProduct.WindowsServer2022)]
    [InlineData(10, 0, 26100, true, "Windows Server 2025 Datacenter", WindowsProduct.WindowsServer2025)]
    [InlineData(10, 0, 10240, false, "Windows 10 Enterprise", WindowsProduct.Windows10)]
    [InlineData(10, 0, 21999, false, "Windows 10 Pro", WindowsProduct.Windows10)]
    [InlineData(10, 0, 22000, false, "Windows 10 Pro", WindowsProduct.Windows11)]
    [InlineData(10, 0, 26100, false, "Windows 10 Education", WindowsProduct.Windows11)]
    [InlineData(11, 0, 30000, false, "Windows 12", WindowsProduct.Unknown)]
    public void ClassifiesTheSupportTable(int major, int minor, int build, bool isServer, string productName, WindowsProduct expected)
    {
        Assert.Equal(expected, WindowsProducts.Classify(major, minor, build, isServer, productName));
    }

    [Fact]
    public void Nt10WithoutBuildIsUnknown()
    {
        Assert.Equal(WindowsProduct.Unknown, WindowsProducts.Classify(10, 0, null, isServer: false, "Windows 10 Pro"));
    }

    [Fact]
    public void EveryProductHasTheSpecsName()
    {
        Assert.Equal("Windows Server 2012 R2", WindowsProducts.DisplayName(WindowsProduct.WindowsServer2012R2));
        Assert.Equal("Windows 8.1", WindowsProducts.DisplayName(WindowsProduct.Windows81));
        Assert.All(Enum.GetValues<WindowsProduct>().Where(p => p != WindowsProduct.Unknown), product =>
            Assert.StartsWith("Windows ", WindowsProducts.DisplayName(product), StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("ServerDatacenter", WindowsEdition.Datacenter)]
    [InlineData("ServerDatacenterEval", WindowsEdition.Datacenter)]
    [InlineData("ServerDatacenterCore", WindowsEdition.Datacenter)]
    [InlineData("ServerStandard", WindowsEdition.Standard)]
    [InlineData("ServerEnterprise", WindowsEdition.Enterprise)]
    [InlineData("ServerWeb", WindowsEdition.WebServer)]
    [InlineData("Professional", WindowsEdition.Professional)]
    [InlineData("ProfessionalN", WindowsEdition.Professional)]
    [InlineData("Enterprise", WindowsEdition.Enterprise)]
    [InlineData("EnterpriseS", WindowsEdition.Enterprise)]
    [InlineData("Education", WindowsEdition.Education)]
    [InlineData("Ultimate", WindowsEdition.Ultimate)]
    [InlineData("HomePremium", WindowsEdition.Home)]
    [InlineData("Core", WindowsEdition.Home)]
    [InlineData("CoreSingleLanguage", WindowsEdition.Home)]
    [InlineData("IoTEnterprise", WindowsEdition.Other)]
    [InlineData("ServerSolution", WindowsEdition.Other)]
    [InlineData(null, WindowsEdition.Other)]
    public void EditionFamilies(string? editionId, WindowsEdition expected)
    {
        Assert.Equal(expected, WindowsEditions.FromEditionId(editionId));
    }

    [Theory]
    [InlineData("Client", WindowsInstallationType.Client)]
    [InlineData("Server", WindowsInstallationType.Server)]
    [InlineData("Server Core", WindowsInstallationType.ServerCore)]
    [InlineData("nano server", WindowsInstallationType.NanoServer)]
    [InlineData("Embedded", null)]
    [InlineData(null, null)]
    public void InstallationTypes(string? value, WindowsInstallationType? expected)
    {
        Assert.Equal(expected, WindowsInspector.ParseInstallationType(value));
    }

    [Theory]
    [InlineData("0409", 0x0409, "en-US")]
    [InlineData("0407", 0x0407, "de-DE")]
    [InlineData("0x0411", 0x0411, "ja-JP")]
    [InlineData("0436", 0x0436, "0x0436")]
    public void LanguageIds(string text, int id, string name)
    {
        var language = WindowsLanguage.Parse(text)!;
        Assert.Equal(id, language.Id);
        Assert.Equal(name, language.Name);
        Assert.Equal(id == 0x0409, language.IsUsEnglish);
    }

    [Theory]
    [InlineData("")]
    [InlineData("en-US")]
    [InlineData("104090")]
    [InlineData(null)]
    public void NotLanguageIds(string? text)
    {
        Assert.Null(WindowsLanguage.Parse(text));
    }
}

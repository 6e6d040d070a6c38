using Vmie.Guest.FileSystems;
using Vmie.Guest.Tests.Infrastructure;
using Vmie.Guest.Windows;

namespace Vmie.Guest.Tests.Windows;

public sealed class WindowsInspectorTests
{
    [Fact]
    public async Task Server2019DatacenterEnglish()
    {
        var guest = WindowsGuest.Nt10("Windows Server 2019 Datacenter", "ServerDatacenter", "Server", 17763);
        guest.CurrentVersion.String("ReleaseId", "1809");
        guest.ControlSet.Key(@"Control\MUI\UILanguages\en-US");
        guest.ControlSet.Key(@"Control\ComputerName\ComputerName").String("ComputerName", "WIN-2019");

        var inspection = (await WindowsInspector.InspectAsync(guest.Volume()))!;

        Assert.Equal("/Windows", inspection.SystemRoot);
        Assert.Equal(WindowsProduct.WindowsServer2019, inspection.Product);
        Assert.Equal(WindowsEdition.Datacenter, inspection.Edition);
        Assert.Equal(WindowsInstallationType.Server, inspection.InstallationType);
        Assert.True(inspection.IsServer);
        Assert.False(inspection.IsNanoServer);
        Assert.Equal(WindowsArchitecture.X64, inspection.Architecture);
        Assert.Equal(64, inspection.Bits);
        Assert.Equal("/Windows/system32/cmd.exe: PE machine 0x8664", inspection.ArchitectureEvidence);
        Assert.Equal(10, inspection.Version!.MajorVersion);
        Assert.Equal(0, inspection.Version.MinorVersion);
        Assert.Equal(17763, inspection.Version.Build);
        Assert.Equal("1809", inspection.Version.ReleaseId);
        Assert.Equal("Windows Server 2019 Datacenter", inspection.Version.ProductName);
        Assert.True(inspection.IsUsEnglish);
        Assert.Equal("en-US", inspection.System!.InstallLanguage!.Name);
        Assert.Equal(["en-US"], inspection.System.InstalledUiLanguages);
        Assert.Equal("ControlSet001", inspection.System.ControlSet);
        Assert.Equal("WIN-2019", inspection.System.ComputerName);
        Assert.False(inspection.HasHyperVRole);
        Assert.Null(inspection.SystemVolumeSpace); // the in-memory tree is not NTFS
        Assert.Empty(inspection.Warnings);
    }

    [Fact]
    public async Task Windows10Pro()
    {
        var guest = WindowsGuest.Nt10("Windows 10 Pro", "Professional", "Client", 19045);
        guest.CurrentVersion.String("DisplayVersion", "22H2").String("ReleaseId", "2009");

        var inspection = (await WindowsInspector.InspectAsync(guest.Volume()))!;

        Assert.Equal(WindowsProduct.Windows10, inspection.Product);
        Assert.Equal(WindowsEdition.Professional, inspection.Edition);
        Assert.Equal(WindowsInstallationType.Client, inspection.InstallationType);
        Assert.False(inspection.IsServer);
        Assert.Equal("22H2", inspection.Version!.ReleaseId);
    }

    [Fact]
    public async Task Windows11IsToldFromWindows10ByBuild()
    {
        // Windows 11 still says "Windows 10 Pro" in ProductName: only the build tells them apart.
        var guest = WindowsGuest.Nt10("Windows 10 Pro", "Professional", "Client", 22631);

        var inspection = (await WindowsInspector.InspectAsync(guest.Volume()))!;

        Assert.Equal(WindowsProduct.Windows11, inspection.Product);
        Assert.Equal(22631, inspection.Version!.Build);
    }

    [Fact]
    public async Task Server2008R2WithoutVersionNumbersOrInstallationType()
    {
        var guest = WindowsGuest.Legacy("Windows Server 2008 R2 Enterprise", "ServerEnterprise", "6.1", 7601, installationType: null, productType: "ServerNT");

        var inspection = (await WindowsInspector.InspectAsync(guest.Volume()))!;

        Assert.Equal(WindowsProduct.WindowsServer2008R2, inspection.Product);
        Assert.Equal(WindowsEdition.Enterprise, inspection.Edition);
        Assert.Equal(WindowsInstallationType.Server, inspection.InstallationType);
        Assert.Equal(6, inspection.Version!.MajorVersion);
        Assert.Equal(1, inspection.Version.MinorVersion);
        Assert.Equal(7601, inspection.Version.Build);
        Assert.Null(inspection.Pagefile);
    }

    [Fact]
    public async Task NanoServer()
    {
        var guest = WindowsGuest.Nt10("Windows Server 2016 Datacenter", "ServerDatacenterNano", "Nano Server", 14393);

        var inspection = (await WindowsInspector.InspectAsync(guest.Volume()))!;

        Assert.True(inspection.IsNanoServer);
        Assert.True(inspection.IsServer);
        Assert.Equal(WindowsProduct.WindowsServer2016, inspection.Product);
        Assert.Equal(WindowsEdition.Datacenter, inspection.Edition);
    }

    [Fact]
    public async Task GermanInstallIsNotUsEnglish()
    {
        var guest = WindowsGuest.Nt10("Windows Server 2022 Standard", "ServerStandard", "Server", 20348, language: "0407");
        guest.ControlSet.Key(@"Control\MUI\UILanguages\de-DE");

        var inspection = (await WindowsInspector.InspectAsync(guest.Volume()))!;

        Assert.Equal(WindowsProduct.WindowsServer2022, inspection.Product);
        Assert.False(inspection.IsUsEnglish);
        Assert.Equal("de-DE", inspection.System!.InstallLanguage!.Name);
        Assert.Equal(0x0407, inspection.System.DefaultUiLanguage!.Id);
        Assert.Equal(["de-DE"], inspection.System.InstalledUiLanguages);
    }

    [Fact]
    public async Task EnglishInstallWithAnotherDefaultUiLanguageIsNotUsEnglish()
    {
        var guest = WindowsGuest.Nt10("Windows 10 Enterprise", "Enterprise", "Client", 19045);
        var language = guest.ControlSet.Key(@"Control\Nls\Language");
        language.Values.Clear();
        language.String("InstallLanguage", "0409").String("Default", "040C");

        var inspection = (await WindowsInspector.InspectAsync(guest.Volume()))!;

        Assert.False(inspection.IsUsEnglish);
        Assert.Equal("fr-FR", inspection.System!.DefaultUiLanguage!.Name);
    }

    [Fact]
    public async Task HyperVRoleIsSeenFromTheVmmsService()
    {
        var guest = WindowsGuest.Nt10("Windows Server 2019 Standard", "ServerStandard", "Server", 17763);
        guest.ControlSet.Key(@"Services\vmms").String("ImagePath", @"%SystemRoot%\system32\vmms.exe");
        guest.ControlSet.Key(@"Services\Tcpip");

        var withRole = (await WindowsInspector.InspectAsync(guest.Volume()))!;
        Assert.True(withRole.HasHyperVRole);

        var without = WindowsGuest.Nt10("Windows Server 2019 Standard", "ServerStandard", "Server", 17763);
        without.ControlSet.Key(@"Services\Tcpip");
        Assert.False((await WindowsInspector.InspectAsync(without.Volume()))!.HasHyperVRole);
    }

    [Fact]
    public async Task HyperVRoleInTheCurrentControlSetOnly()
    {
        // Select\Current says 1, so a vmms key left in ControlSet002 (the last known good set) does not count.
        var guest = WindowsGuest.Nt10("Windows Server 2019 Standard", "ServerStandard", "Server", 17763);
        guest.System.Key(@"ControlSet002\Services\vmms");

        Assert.False((await WindowsInspector.InspectAsync(guest.Volume()))!.HasHyperVRole);
    }

    [Fact]
    public async Task ThirtyTwoBitWindows7()
    {
        var guest = WindowsGuest.Legacy("Windows 7 Ultimate", "Ultimate", "6.1", 7601, "Client", "WinNT", machine: WindowsGuest.I386);

        var inspection = (await WindowsInspector.InspectAsync(guest.Volume()))!;

        Assert.Equal(WindowsProduct.Windows7, inspection.Product);
        Assert.Equal(WindowsEdition.Ultimate, inspection.Edition);
        Assert.Equal(WindowsArchitecture.X86, inspection.Architecture);
        Assert.Equal(32, inspection.Bits);
    }

    [Fact]
    public async Task Arm64Windows11()
    {
        var guest = WindowsGuest.Nt10("Windows 10 Pro", "Professional", "Client", 26100, machine: WindowsGuest.Arm64);

        var inspection = (await WindowsInspector.InspectAsync(guest.Volume()))!;

        Assert.Equal(WindowsArchitecture.Arm64, inspection.Architecture);
        Assert.Equal(WindowsProduct.Windows11, inspection.Product);
    }

    [Fact]
    public async Task ArchitectureFallsBackToTheKernelWhenCmdIsNotAPeImage()
    {
        var guest = WindowsGuest.Nt10("Windows 10 Pro", "Professional", "Client", 19045);
        guest.WithCmd = false;
        guest.ExtraFiles["Windows/System32/cmd.exe"] = "not a PE image"u8.ToArray();
        guest.ExtraFiles["Windows/System32/ntoskrnl.exe"] = WindowsGuest.PeImage(WindowsGuest.X64);

        var inspection = (await WindowsInspector.InspectAsync(guest.Volume()))!;

        Assert.Equal(WindowsArchitecture.X64, inspection.Architecture);
        Assert.Equal("/Windows/system32/ntoskrnl.exe: PE machine 0x8664", inspection.ArchitectureEvidence);
    }

    [Fact]
    public async Task UnknownMachineLeavesTheArchitectureUnknownWithAWarning()
    {
        var guest = WindowsGuest.Nt10("Windows 10 Pro", "Professional", "Client", 19045, machine: 0x01C4); // ARMv7 Thumb-2

        var inspection = (await WindowsInspector.InspectAsync(guest.Volume()))!;

        Assert.Null(inspection.Architecture);
        Assert.Null(inspection.Bits);
        Assert.Contains(inspection.Warnings, warning => warning.Contains("0x01C4", StringComparison.Ordinal));
    }

    [Fact]
    public async Task FixedAndAutomaticPagefiles()
    {
        var fixedGuest = WindowsGuest.Nt10("Windows Server 2019 Standard", "ServerStandard", "Server", 17763).SetPagefile(@"C:\pagefile.sys 4096 4096");
        var fixedPagefile = (await WindowsInspector.InspectAsync(fixedGuest.Volume()))!.Pagefile!;
        Assert.True(fixedPagefile.IsFixed);
        Assert.False(fixedPagefile.IsSystemManaged);
        Assert.Equal(new WindowsPagefileEntry(@"C:\pagefile.sys", 4096, 4096), Assert.Single(fixedPagefile.Entries));

        var automatic = WindowsGuest.Nt10("Windows Server 2019 Standard", "ServerStandard", "Server", 17763);
        var automaticPagefile = (await WindowsInspector.InspectAsync(automatic.Volume()))!.Pagefile!;
        Assert.True(automaticPagefile.IsSystemManaged);
        Assert.False(automaticPagefile.IsFixed);
        Assert.True(Assert.Single(automaticPagefile.Entries).IsAutomaticDrive);
    }

    [Theory]
    [InlineData("WINNT")]
    [InlineData("win32")]
    [InlineData("reactos")]
    public async Task OtherSystemRoots(string root)
    {
        var guest = new WindowsGuest { Root = root };
        guest.CurrentVersion.String("ProductName", "Windows 10 Pro").DWord("CurrentMajorVersionNumber", 10).DWord("CurrentMinorVersionNumber", 0).String("CurrentBuild", "19045");

        var inspection = (await WindowsInspector.InspectAsync(guest.Volume()))!;

        Assert.Equal("/" + root, inspection.SystemRoot, ignoreCase: true);
    }

    [Fact]
    public async Task SystemRootNeedsCmdExe()
    {
        var guest = WindowsGuest.Nt10("Windows 10 Pro", "Professional", "Client", 19045);
        guest.WithCmd = false;

        Assert.Null(await WindowsInspector.InspectAsync(guest.Volume()));
    }

    [Fact]
    public async Task LinuxVolumeIsNotWindows()
    {
        var linux = new GuestFiles(new TreeFileSystem(new Dictionary<string, string> { ["etc/os-release"] = "ID=debian\n", ["usr/"] = "" }));

        Assert.Null(await WindowsInspector.InspectAsync(linux));
    }

    [Fact]
    public async Task CaseSensitiveFileSystemDoesNotMatchOtherCases()
    {
        // GuestFiles leaves case to the file system: on a case-sensitive one, "System32" is not "system32".
        var guest = WindowsGuest.Nt10("Windows 10 Pro", "Professional", "Client", 19045);
        var volume = new GuestFiles(new TreeFileSystem(guest.Files(), caseInsensitive: false));

        Assert.Null(await WindowsInspector.InspectAsync(volume));
    }

    [Fact]
    public async Task MissingSoftwareHiveLeavesTheProductUnknown()
    {
        var guest = WindowsGuest.Nt10("Windows 10 Pro", "Professional", "Client", 19045);
        guest.WithSoftware = false;

        var inspection = (await WindowsInspector.InspectAsync(guest.Volume()))!;

        Assert.Equal(WindowsProduct.Unknown, inspection.Product);
        Assert.Null(inspection.Version);
        Assert.Equal(WindowsInstallationType.Client, inspection.InstallationType); // from SYSTEM's ProductType
        Assert.Contains("/Windows/system32/config/SOFTWARE is missing.", inspection.Warnings);
    }

    [Fact]
    public async Task DamagedSystemHiveIsAWarning()
    {
        var guest = WindowsGuest.Nt10("Windows 10 Pro", "Professional", "Client", 19045);
        guest.WithSystem = false;
        var hive = HiveWriter.Write(guest.System);
        hive[0] = (byte)'x';
        guest.ExtraFiles["Windows/System32/config/SYSTEM"] = hive;

        var inspection = (await WindowsInspector.InspectAsync(guest.Volume()))!;

        Assert.Null(inspection.System);
        Assert.Null(inspection.IsUsEnglish);
        Assert.Equal(WindowsProduct.Windows10, inspection.Product);
        Assert.Contains(inspection.Warnings, warning => warning.StartsWith("/Windows/system32/config/SYSTEM cannot be read: ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task DirtyHiveIsReadWithAWarning()
    {
        var guest = WindowsGuest.Nt10("Windows 10 Pro", "Professional", "Client", 19045);
        guest.WithSoftware = false;
        var writer = new HiveWriter();
        var root = writer.WriteKey(guest.Software, HiveWriter.NoCell, isRoot: true);
        guest.ExtraFiles["Windows/System32/config/SOFTWARE"] = writer.ToArray(root, primarySequence: 5, secondarySequence: 4);

        var inspection = (await WindowsInspector.InspectAsync(guest.Volume()))!;

        Assert.Equal(WindowsProduct.Windows10, inspection.Product);
        Assert.Contains(inspection.Warnings, warning => warning.Contains("dirty", StringComparison.Ordinal));
    }
}

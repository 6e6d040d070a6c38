using Vmie.Disks.Sources;
using Vmie.Guest.Tests.Infrastructure;
using Vmie.Guest.Windows.Registry;

namespace Vmie.Guest.Tests.Windows.Registry;

/// <summary>Hives shaped like a Windows Server 2019 guest's SOFTWARE and SYSTEM, built with <see cref="HiveWriter"/>.</summary>
internal static class TestHives
{
    public const string CurrentVersion = @"Microsoft\Windows NT\CurrentVersion";

    public static HiveKey Software()
    {
        var root = new HiveKey("ROOT");
        root.Key(CurrentVersion)
            .String("ProductName", "Windows Server 2019 Datacenter")
            .String("EditionID", "ServerDatacenter")
            .String("InstallationType", "Server")
            .String("CurrentBuild", "17763")
            .String("CurrentBuildNumber", "17763")
            .String("CurrentVersion", "6.3")
            .DWord("CurrentMajorVersionNumber", 10)
            .DWord("CurrentMinorVersionNumber", 0)
            .String("ReleaseId", "1809")
            .ExpandString("PathName", @"%SystemRoot%")
            .QWord("InstallTime", 132_000_000_000_000_000)
            .Binary("DigitalProductId", [.. Enumerable.Range(0, 164).Select(i => (byte)i)]);
        root.Key(@"Microsoft\Windows\CurrentVersion").String("ProgramFilesDir", @"C:\Program Files");
        root.Key(@"Microsoft\Windows NT\CurrentVersion\Winlogon").String("Shell", "explorer.exe");
        root.Key(@"Classes\.txt").String("", "txtfile");
        root.Key("Policies");
        return root;
    }

    public static HiveKey System()
    {
        var root = new HiveKey("ROOT");
        root.Key("Select").DWord("Current", 1).DWord("Default", 1).DWord("Failed", 0).DWord("LastKnownGood", 1);
        root.Key(@"ControlSet001\Control\Nls\Language").String("InstallLanguage", "0409").String("Default", "0409");
        root.Key(@"ControlSet001\Control\Session Manager\Memory Management")
            .MultiString("PagingFiles", @"?:\pagefile.sys")
            .DWord("ClearPageFileAtShutdown", 0);
        root.Key(@"ControlSet001\Control\Session Manager\Environment").String("PROCESSOR_ARCHITECTURE", "AMD64");
        foreach (var service in new[] { "Tcpip", "disk", "storvsc", "vmbus", "ENA", "AWSNVMe", "W32Time", "Dhcp" })
        {
            root.Key($@"ControlSet001\Services\{service}")
                .DWord("Start", 0)
                .DWord("Type", 1)
                .ExpandString("ImagePath", $@"System32\drivers\{service}.sys");
        }

        return root;
    }

    public static async Task<RegistryHive> OpenAsync(byte[] hive) => await RegistryHive.OpenAsync(new MemoryBlockSource(hive));
}

using Vmie.Disks.Detection;
using Vmie.Ec2.ImageImports;
using Vmie.Ec2.Tasks;
using Vmie.Guest.Inspection;
using Vmie.Guest.Volumes.Partitions;
using Vmie.Guest.Windows;

namespace Vmie.Ec2.Tests.ImageImports;

public sealed class ImageImportDecisionRulesTests
{
    private const BootModes Bios = BootModes.LegacyBios;
    private const BootModes Uefi = BootModes.Uefi;
    private const BootModes Both = BootModes.LegacyBios | BootModes.Uefi;

    [Theory]
    [InlineData(null, Bios, Bios, "legacy-bios")]
    [InlineData(null, Uefi, Bios, "uefi")]
    [InlineData(null, Both, Bios, "legacy-bios")]
    [InlineData(null, Both, Uefi, "uefi")]
    [InlineData("legacy-bios", Bios, Bios, "legacy-bios")]
    [InlineData("legacy-bios", Both, Uefi, "legacy-bios")]
    [InlineData("uefi", Uefi, Bios, "uefi")]
    [InlineData("UEFI", Both, Bios, "uefi")]
    [InlineData("uefi-preferred", Both, Bios, "uefi")]
    [InlineData("uefi-preferred", Uefi, Bios, "uefi")]
    [InlineData("uefi-preferred", Bios, Bios, "legacy-bios")]
    public void The_boot_mode_follows_the_request_and_what_the_guest_supports(string? requested, BootModes supported, BootModes defaultWhenBoth, string expected)
    {
        Assert.Equal(expected, ImageImportDecisionRules.BootMode(requested, supported, defaultWhenBoth));
    }

    [Theory]
    [InlineData("uefi", Bios, "The requested boot mode uefi is not supported by the VM, which boots in legacy-bios only")]
    [InlineData("legacy-bios", Uefi, "The requested boot mode legacy-bios is not supported by the VM, which boots in uefi only")]
    public void A_requested_boot_mode_the_guest_cannot_boot_fails(string requested, BootModes supported, string reason)
    {
        var failure = Assert.Throws<ImportTaskFailedException>(() => ImageImportDecisionRules.BootMode(requested, supported, Bios));

        Assert.Equal("ClientError: Unsupported configuration - " + reason, failure.StatusMessage);
    }

    [Fact]
    public void A_guest_without_a_boot_mode_fails_as_unbootable()
    {
        var failure = Assert.Throws<ImportTaskFailedException>(() => ImageImportDecisionRules.BootMode(null, BootModes.None, Bios));

        Assert.Equal(ImportStatusMessages.NoBootablePartition, failure.StatusMessage);
    }

    [Theory]
    [InlineData(OperatingSystemKind.Linux, null, null)]
    [InlineData(OperatingSystemKind.Linux, "Linux", null)]
    [InlineData(OperatingSystemKind.Linux, "linux", null)]
    [InlineData(OperatingSystemKind.Windows, null, "windows")]
    [InlineData(OperatingSystemKind.Windows, "Windows", "windows")]
    public void The_platform_is_windows_or_none(OperatingSystemKind guest, string? requested, string? expected)
    {
        Assert.Equal(expected, ImageImportDecisionRules.Platform(guest, requested));
    }

    [Theory]
    [InlineData(OperatingSystemKind.Linux, "Windows")]
    [InlineData(OperatingSystemKind.Windows, "Linux")]
    public void A_requested_platform_that_is_not_the_guests_fails(OperatingSystemKind guest, string requested)
    {
        var failure = Assert.Throws<ImportTaskFailedException>(() => ImageImportDecisionRules.Platform(guest, requested));

        Assert.Equal(ImportTaskMessages.PlatformMismatch(requested, guest.ToString()), failure.StatusMessage);
    }

    [Theory]
    [InlineData("x86_64", null, "x86_64")]
    [InlineData("x86_64", "x86_64", "x86_64")]
    [InlineData("x86_64", "X86_64", "x86_64")]
    [InlineData("i386", null, "i386")]
    public void The_architecture_is_the_guests(string guest, string? requested, string expected)
    {
        Assert.Equal(expected, ImageImportDecisionRules.Architecture(guest, requested));
    }

    [Theory]
    [InlineData("x86_64", "i386")]
    [InlineData("x86_64", "arm64")]
    [InlineData("i386", "x86_64")]
    public void A_requested_architecture_that_is_not_the_guests_fails(string guest, string requested)
    {
        var failure = Assert.Throws<ImportTaskFailedException>(() => ImageImportDecisionRules.Architecture(guest, requested));

        Assert.Equal(ImportTaskMessages.ArchitectureMismatch(requested, guest), failure.StatusMessage);
    }

    [Theory]
    [InlineData(null, "x86_64")]
    [InlineData("i386", "i386")]
    [InlineData("X86_64", "x86_64")]
    public void A_guest_of_unknown_architecture_takes_the_requested_one_or_x86_64(string? requested, string expected)
    {
        Assert.Equal(expected, ImageImportDecisionRules.Architecture("unknown", requested));
    }

    [Theory]
    [InlineData("aarch64")]
    [InlineData("other")]
    public void An_architecture_ec2_cannot_run_fails(string guest)
    {
        var failure = Assert.Throws<ImportTaskFailedException>(() => ImageImportDecisionRules.Architecture(guest, null));

        Assert.Equal(ImportStatusMessages.UnsupportedArchitecture, failure.StatusMessage);
    }

    [Theory]
    [InlineData(WindowsProduct.WindowsServer2019, true)]
    [InlineData(WindowsProduct.WindowsServer2008R2, true)]
    [InlineData(WindowsProduct.Windows10, false)]
    [InlineData(WindowsProduct.Windows11, false)]
    [InlineData(WindowsProduct.Unknown, null)]
    public void Windows_servers_and_clients_are_told_apart(WindowsProduct product, bool? server)
    {
        Assert.Equal(server, ImageImportDecisionRules.IsServer(product));
        var inspection = WindowsInspection(DiskFormat.Vhdx, PartitionTableKind.Gpt, 3) with
        {
            Windows = new WindowsInspection { SystemRoot = "/Windows", Product = product, InstallationType = WindowsInstallationType.Unknown },
        };
        Assert.Equal(server, ImageImportDecisionRules.IsWindowsServer(inspection));
    }

    [Theory]
    [InlineData(WindowsInstallationType.Server, WindowsProduct.Windows10, true)]
    [InlineData(WindowsInstallationType.ServerCore, WindowsProduct.WindowsServer2019, true)]
    [InlineData(WindowsInstallationType.Client, WindowsProduct.WindowsServer2019, false)]
    public void The_installation_type_says_server_or_client_before_the_product(WindowsInstallationType type, WindowsProduct product, bool server)
    {
        var inspection = WindowsInspection(DiskFormat.Vhdx, PartitionTableKind.Gpt, 3) with
        {
            Windows = new WindowsInspection { SystemRoot = "/Windows", Product = product, InstallationType = type },
        };

        Assert.Equal(server, ImageImportDecisionRules.IsWindowsServer(inspection));
    }

    [Theory]
    [InlineData(WindowsInstallationType.Server, null, null, "AWS", "Windows", "RunInstances:0002")]
    [InlineData(WindowsInstallationType.Server, "byol", null, "BYOL", "Windows BYOL", "RunInstances:0800")]
    [InlineData(WindowsInstallationType.Client, null, null, "BYOL", "Windows BYOL", "RunInstances:0800")]
    [InlineData(WindowsInstallationType.Server, null, "RunInstances:0006", "AWS", "Windows with SQL Server Standard", "RunInstances:0006")]
    public void Windows_licensing_is_decided_with_the_rest(WindowsInstallationType type, string? licenseType, string? usageOperation, string license, string details, string code)
    {
        var inspection = WindowsInspection(DiskFormat.Vhdx, PartitionTableKind.Gpt, 3) with
        {
            Windows = new WindowsInspection { SystemRoot = "/Windows", Product = WindowsProduct.WindowsServer2019, InstallationType = type },
        };

        var decisions = ImageImportDecisionRules.Decide(inspection, new ImageImportRequestFacts("111122223333", LicenseType: licenseType, UsageOperation: usageOperation), DiskFormat.Vhdx);

        Assert.Equal((license, details, code), (decisions.LicenseType, decisions.PlatformDetails, decisions.UsageOperation));
        Assert.Equal("Windows", decisions.TaskPlatform);
    }

    [Fact]
    public void A_windows_client_with_an_included_license_fails_before_any_disk_is_converted()
    {
        var inspection = WindowsInspection(DiskFormat.Vhdx, PartitionTableKind.Gpt, 3) with
        {
            Windows = new WindowsInspection { SystemRoot = "/Windows", Product = WindowsProduct.Windows10, InstallationType = WindowsInstallationType.Client },
        };

        var failure = Assert.Throws<ImportTaskFailedException>(() => ImageImportDecisionRules.Decide(inspection, new ImageImportRequestFacts("111122223333", LicenseType: "AWS"), DiskFormat.Vhdx));

        Assert.StartsWith("ClientError: LicenseType AWS includes an AWS operating system license, which a Windows client operating system does not support", failure.StatusMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Linux_with_an_included_license_fails_and_byol_is_linux_unix()
    {
        Assert.Throws<ImportTaskFailedException>(() => ImageImportDecisionRules.Licensing(OperatingSystemKind.Linux, null, "aws", null));
        var byol = ImageImportDecisionRules.Licensing(OperatingSystemKind.Linux, null, null, null);
        Assert.Equal(("BYOL", "Linux/UNIX", "RunInstances"), (byol.LicenseType, byol.PlatformDetails, byol.UsageOperation));
    }

    /// <summary>Spec §4.3: a Windows guest that boots both ways defaults to legacy BIOS only as a small basic VHDX of at most 4 primaries.</summary>
    [Theory]
    [InlineData(DiskFormat.Vhdx, PartitionTableKind.Gpt, 3, null, "legacy-bios", true)]
    [InlineData(DiskFormat.Vhdx, PartitionTableKind.Gpt, 4, null, "legacy-bios", false)]
    [InlineData(DiskFormat.Vhdx, PartitionTableKind.Gpt, 5, null, "uefi", false)]
    [InlineData(DiskFormat.Vmdk, PartitionTableKind.Gpt, 2, null, "uefi", false)]
    [InlineData(DiskFormat.Vhdx, PartitionTableKind.Mbr, 2, null, "legacy-bios", false)]
    [InlineData(DiskFormat.Vhdx, PartitionTableKind.Gpt, 2, "uefi", "uefi", false)]
    public void Windows_boot_mode_default_and_gpt_to_mbr(DiskFormat format, PartitionTableKind table, int partitions, string? requested, string bootMode, bool gptToMbr)
    {
        var inspection = WindowsInspection(format, table, partitions);

        var decisions = ImageImportDecisionRules.Decide(inspection, new ImageImportRequestFacts("111122223333", BootMode: requested), format);

        Assert.Equal((bootMode, gptToMbr), (decisions.BootMode, decisions.GptToMbrConversion));
        Assert.Equal(("windows", "x86_64", false, true), (decisions.Platform, decisions.Architecture, decisions.EnaSupport, decisions.IsWindowsServer));
        Assert.Equal(WindowsProduct.WindowsServer2019, decisions.WindowsProduct);
    }

    [Fact]
    public void Decisions_survive_their_json()
    {
        var decisions = ImageImportDecisionRules.Decide(WindowsInspection(DiskFormat.Vhdx, PartitionTableKind.Gpt, 3), new ImageImportRequestFacts("111122223333"), DiskFormat.Vhdx);

        Assert.Equal(decisions, ImageImportDecisions.FromJson(decisions.ToJson()));
        Assert.Contains("\"bootMode\":\"legacy-bios\"", decisions.ToJson(), StringComparison.Ordinal);
    }

    private static GuestInspection WindowsInspection(DiskFormat format, PartitionTableKind table, int partitions)
    {
        var partitionList = Enumerable.Range(1, partitions)
            .Select(number => new Partition { Number = number, Start = number << 20, Length = 1 << 20, TypeName = "Basic data" })
            .ToList();
        var partitionTable = new PartitionTable { Kind = table, Partitions = partitionList, Warnings = [] };
        return new GuestInspection
        {
            Disks = [new InspectedDisk(0, "disk." + format, format.ToString(), 100L << 30, partitionTable)],
            Volumes = [],
            OperatingSystemKind = OperatingSystemKind.Windows,
            OperatingSystem = new GuestOperatingSystem(OperatingSystemKind.Windows, "Windows Server 2019 Datacenter", "Windows Server 2019", "17763", "x86_64", null, "/dev/sda2"),
            Windows = new WindowsInspection { SystemRoot = "/Windows", Product = WindowsProduct.WindowsServer2019, InstallationType = WindowsInstallationType.Server },
            BootModes = Both,
            BootModeEvidence = [],
            Verdicts = [],
        };
    }
}

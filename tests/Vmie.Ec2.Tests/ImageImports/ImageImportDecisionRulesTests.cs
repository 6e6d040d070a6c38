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
    [InlineData("aarch64")]
    [InlineData("unknown")]
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
        var system = new GuestOperatingSystem(OperatingSystemKind.Windows, "Windows", WindowsProducts.DisplayName(product), null, "x86_64", null, "/dev/sda2");
        Assert.Equal(product, ImageImportDecisionRules.WindowsProductOf(system));
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
            BootModes = Both,
            BootModeEvidence = [],
            Verdicts = [],
        };
    }
}

using Vmie.Disks.Detection;
using Vmie.Guest.FileSystems;
using Vmie.Guest.Tests.Infrastructure;
using Vmie.Guest.Volumes.Partitions;
using Vmie.Guest.Windows;
using Vmie.Guest.Windows.Registry;

namespace Vmie.Guest.Tests.Windows;

public sealed class WindowsBootTests
{
    private const string Loader = "{7619dcc9-fafe-11d9-b411-000476eba25f}";
    private const string EmsSettings = "{0ce4991b-e6b3-4b16-b23c-5e0d9250e5d9}";

    /// <summary>A BCD store as bcdedit leaves it: the boot manager, one OS loader, optionally with EMS on.</summary>
    private static byte[] Bcd(bool loaderEms = false, bool bootEms = false, byte[]? emsData = null)
    {
        var root = new HiveKey("NewStoreRoot");
        root.Key(@"Description").DWord("KeyName", 0);
        var bootManager = root.Key($@"Objects\{BootConfigurationData.BootManagerObject}");
        bootManager.Key("Description").DWord("Type", 0x10100002);
        bootManager.Key(@"Elements\12000004").String("Element", "Windows Boot Manager");
        bootManager.Key($@"Elements\{BootConfigurationData.DefaultObjectElement}").String("Element", Loader);
        if (bootEms)
        {
            bootManager.Key(@"Elements\16000020").Binary("Element", emsData ?? [1]);
        }

        var loader = root.Key($@"Objects\{Loader}");
        loader.Key("Description").DWord("Type", 0x10200003);
        loader.Key(@"Elements\12000004").String("Element", "Windows Server");
        loader.Key(@"Elements\22000002").String("Element", @"\Windows");
        if (loaderEms)
        {
            loader.Key(@"Elements\260000B0").Binary("Element", emsData ?? [1]);
        }

        root.Key($@"Objects\{EmsSettings}\Elements\16000020").Binary("Element", [0]); // {emssettings}: bootems off
        return HiveWriter.Write(root);
    }

    private static GuestFiles Volume(Dictionary<string, byte[]> files) => new(new TreeFileSystem(files, caseInsensitive: true));

    private static Dictionary<string, byte[]> BiosSystemPartition(byte[] bcd) => new()
    {
        ["bootmgr"] = new byte[64],
        ["Boot/BCD"] = bcd,
        ["Boot/en-US/"] = [],
    };

    private static Dictionary<string, byte[]> EfiSystemPartition(byte[] bcd) => new()
    {
        ["EFI/Microsoft/Boot/bootmgfw.efi"] = WindowsGuest.PeImage(WindowsGuest.X64),
        ["EFI/Microsoft/Boot/BCD"] = bcd,
        ["EFI/Boot/BOOTX64.EFI"] = WindowsGuest.PeImage(WindowsGuest.X64),
    };

    [Fact]
    public async Task BcdWithoutEms()
    {
        var bcd = await BootConfigurationData.ReadAsync(await RegistryHive.OpenAsync(new MemoryStream(Bcd())));

        Assert.False(bcd.IsEmsEnabled);
        Assert.Empty(bcd.EmsEnabledObjects);
        Assert.Equal(Loader, bcd.DefaultEntry);
    }

    [Fact]
    public async Task BcdWithEmsOnTheLoader()
    {
        var bcd = await BootConfigurationData.ReadAsync(await RegistryHive.OpenAsync(new MemoryStream(Bcd(loaderEms: true))));

        Assert.True(bcd.IsEmsEnabled);
        Assert.Equal([Loader], bcd.EmsEnabledObjects);
    }

    [Fact]
    public async Task BcdWithBootEmsOnTheBootManager()
    {
        // Some writers store booleans in eight bytes.
        var bcd = await BootConfigurationData.ReadAsync(await RegistryHive.OpenAsync(new MemoryStream(Bcd(bootEms: true, emsData: [1, 0, 0, 0, 0, 0, 0, 0]))));

        Assert.Equal([BootConfigurationData.BootManagerObject], bcd.EmsEnabledObjects);
    }

    [Fact]
    public async Task BcdWithoutObjectsIsCorrupt()
    {
        var hive = await RegistryHive.OpenAsync(new MemoryStream(HiveWriter.Write(new HiveKey("NewStoreRoot"))));

        await Assert.ThrowsAsync<CorruptHiveException>(async () => await BootConfigurationData.ReadAsync(hive));
    }

    [Fact]
    public async Task BiosSystemPartitionSupportsLegacyBios()
    {
        var volume = await WindowsBootVolume.InspectAsync(Volume(BiosSystemPartition(Bcd(loaderEms: true))), isActiveMbrPartition: true, isEfiSystemPartition: false);

        Assert.Equal(WindowsBootModes.LegacyBios, volume.SupportedModes);
        Assert.Equal(WindowsBootVolume.BiosBcd, volume.BcdPath);
        Assert.True(volume.Bcd!.IsEmsEnabled);
    }

    [Fact]
    public async Task BootFilesOnAnInactivePartitionDoNotBoot()
    {
        var volume = await WindowsBootVolume.InspectAsync(Volume(BiosSystemPartition(Bcd())), isActiveMbrPartition: false, isEfiSystemPartition: false);

        Assert.Equal(WindowsBootModes.None, volume.SupportedModes);
        Assert.NotNull(volume.Bcd);
    }

    [Fact]
    public async Task EfiSystemPartitionSupportsUefi()
    {
        var volume = await WindowsBootVolume.InspectAsync(Volume(EfiSystemPartition(Bcd())), isActiveMbrPartition: false, isEfiSystemPartition: true);

        Assert.Equal(WindowsBootModes.Uefi, volume.SupportedModes);
        Assert.True(volume.HasUefiFallback);
        Assert.Equal(WindowsBootVolume.UefiBcd, volume.BcdPath);
        Assert.False(volume.Bcd!.IsEmsEnabled);
    }

    [Fact]
    public async Task BothPartitionsSupportBoth()
    {
        var bios = await WindowsBootVolume.InspectAsync(Volume(BiosSystemPartition(Bcd())), true, false);
        var uefi = await WindowsBootVolume.InspectAsync(Volume(EfiSystemPartition(Bcd())), false, true);

        Assert.Equal(WindowsBootModes.Both, WindowsBootModeRules.Detect([bios, uefi]));
        Assert.Equal(WindowsBootModes.None, WindowsBootModeRules.Detect([]));
    }

    [Fact]
    public async Task EspWithoutWindowsBootManagerDoesNotBootWindows()
    {
        var files = EfiSystemPartition(Bcd());
        files.Remove("EFI/Microsoft/Boot/bootmgfw.efi");

        var volume = await WindowsBootVolume.InspectAsync(Volume(files), false, true);

        Assert.Equal(WindowsBootModes.None, volume.SupportedModes);
    }

    private const long GiB = 1L << 30;
    private const long TiB = 1L << 40;

    public static TheoryData<WindowsBootModes, DiskFormat, long, int, bool, WindowsBootModes> DefaultCases() => new()
    {
        { WindowsBootModes.LegacyBios, DiskFormat.Vmdk, 3 * TiB, 9, true, WindowsBootModes.LegacyBios },
        { WindowsBootModes.Uefi, DiskFormat.Vhdx, 30 * GiB, 2, false, WindowsBootModes.Uefi },
        { WindowsBootModes.None, DiskFormat.Vhdx, 30 * GiB, 2, false, WindowsBootModes.None },
        { WindowsBootModes.Both, DiskFormat.Vhdx, 30 * GiB, 2, false, WindowsBootModes.LegacyBios },
        { WindowsBootModes.Both, DiskFormat.Vhdx, (2 * TiB) - 1, 4, false, WindowsBootModes.LegacyBios },
        { WindowsBootModes.Both, DiskFormat.Vhdx, 2 * TiB, 4, false, WindowsBootModes.Uefi },
        { WindowsBootModes.Both, DiskFormat.Vhdx, 30 * GiB, 5, false, WindowsBootModes.Uefi },
        { WindowsBootModes.Both, DiskFormat.Vhdx, 30 * GiB, 2, true, WindowsBootModes.Uefi },
        { WindowsBootModes.Both, DiskFormat.Vmdk, 30 * GiB, 2, false, WindowsBootModes.Uefi },
        { WindowsBootModes.Both, DiskFormat.Vhd, 30 * GiB, 2, false, WindowsBootModes.Uefi },
        { WindowsBootModes.Both, DiskFormat.Raw, 30 * GiB, 2, false, WindowsBootModes.Uefi },
    };

    [Theory]
    [MemberData(nameof(DefaultCases))]
    public void DefaultBootMode(WindowsBootModes supported, DiskFormat format, long size, int primaries, bool dynamic, WindowsBootModes expected)
    {
        var disk = new WindowsDiskFacts(format, size, PartitionTableKind.Gpt, primaries, dynamic);
        Assert.Equal(expected, WindowsBootModeRules.DefaultBootMode(supported, disk));
    }

    public static TheoryData<DiskFormat, long, PartitionTableKind, int, bool, bool> ConversionCases() => new()
    {
        { DiskFormat.Vhdx, 100 * GiB, PartitionTableKind.Gpt, 3, false, true },
        { DiskFormat.Vhdx, 2 * TiB, PartitionTableKind.Gpt, 3, false, true },
        { DiskFormat.Vhdx, (2 * TiB) + 512, PartitionTableKind.Gpt, 3, false, false },
        { DiskFormat.Vhdx, 100 * GiB, PartitionTableKind.Gpt, 4, false, false },
        { DiskFormat.Vhdx, 100 * GiB, PartitionTableKind.Gpt, 2, true, false },
        { DiskFormat.Vmdk, 100 * GiB, PartitionTableKind.Gpt, 3, false, false },
        { DiskFormat.Vhd, 100 * GiB, PartitionTableKind.Gpt, 1, false, false },
        { DiskFormat.Vhdx, 100 * GiB, PartitionTableKind.Mbr, 2, false, false },
    };

    [Theory]
    [MemberData(nameof(ConversionCases))]
    public void GptToMbrConversion(DiskFormat format, long size, PartitionTableKind table, int primaries, bool dynamic, bool expected)
    {
        Assert.Equal(expected, WindowsBootModeRules.IsGptToMbrConversionEligible(new WindowsDiskFacts(format, size, table, primaries, dynamic)));
    }
}

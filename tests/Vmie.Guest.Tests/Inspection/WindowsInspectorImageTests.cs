using System.Diagnostics;
using Vmie.Disks.Sources;
using Vmie.Guest.Inspection;
using Vmie.Guest.Windows;

namespace Vmie.Guest.Tests.Inspection;

/// <summary>
/// Windows guests on real disk images (NTFS written by the test writer, MBR or GPT, FAT32 ESP) through
/// <see cref="GuestInspector"/>: the healthy ones would import with the right facts, and each windows-* verdict has
/// an image that triggers it and is absent from the healthy image.
/// </summary>
public sealed class WindowsInspectorImageTests
{
    private static readonly WindowsImageDescription Healthy = VerdictImageCatalog.WindowsHealthy;

    public static TheoryData<string> Verdicts => [.. VerdictImageCatalog.Windows.Select(image => image.Name)];

    [SkippableFact]
    public async Task A_healthy_server_2019_bios_image_would_import()
    {
        var disk = WindowsImage.Disk(Healthy);
        var watch = Stopwatch.StartNew();
        var inspection = await InspectAsync(disk);
        watch.Stop();

        Assert.True(inspection.WouldImportSucceed, string.Join("\n", inspection.Verdicts));
        Assert.Empty(inspection.Verdicts);
        Assert.Equal(OperatingSystemKind.Windows, inspection.OperatingSystemKind);
        var os = inspection.OperatingSystem!;
        Assert.Equal(("Windows Server 2019 Standard", "Windows Server 2019", "17763", "x86_64", "/dev/sda2"), (os.Name, os.Distribution, os.Version, os.Architecture, os.RootDevice));
        Assert.Equal(BootModes.LegacyBios, inspection.BootModes);
        var boot = inspection.WindowsBoot!;
        Assert.Equal(WindowsBootModes.LegacyBios, boot.SupportedModes);
        Assert.Equal(WindowsBootModes.LegacyBios, boot.DefaultMode);
        Assert.False(boot.GptToMbrConversion);
        Assert.False(boot.IsEmsEnabled);
        Assert.Equal(2, boot.Disk.PrimaryPartitionCount);
        var (device, volume) = Assert.Single(boot.Volumes);
        Assert.Equal("/dev/sda1", device);
        Assert.Equal(WindowsImage.LoaderEntry, volume.Bcd!.DefaultEntry);
        Assert.Contains(inspection.BootModeEvidence, line => line.StartsWith("/dev/sda1 (active partition): /bootmgr, /Boot/BCD", StringComparison.Ordinal));
        Assert.Contains(inspection.Volumes, volume => volume is { DeviceName: "/dev/sda1", Content: "ntfs", Label: "System Reserved" });
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"inspection of an 8 GiB image took {watch.Elapsed}");
    }

    [SkippableFact]
    public async Task A_uefi_gpt_image_would_import_in_uefi_mode()
    {
        var inspection = await InspectAsync(WindowsImage.Disk(new WindowsImageDescription("healthy-uefi") { Firmware = WindowsFirmware.Uefi }));

        Assert.True(inspection.WouldImportSucceed, string.Join("\n", inspection.Verdicts));
        Assert.Equal(("Windows Server 2019", "x86_64", "/dev/sda3"), (inspection.OperatingSystem!.Distribution, inspection.OperatingSystem.Architecture, inspection.OperatingSystem.RootDevice));
        Assert.Equal(BootModes.Uefi, inspection.BootModes);
        var boot = inspection.WindowsBoot!;
        Assert.Equal((WindowsBootModes.Uefi, WindowsBootModes.Uefi), (boot.SupportedModes, boot.DefaultMode));
        Assert.Equal(3, boot.Disk.PrimaryPartitionCount);

        // A raw image is never converted: only VHDX boot disks are (spec §4.3).
        Assert.False(boot.GptToMbrConversion);
        var (device, volume) = Assert.Single(boot.Volumes);
        Assert.Equal("/dev/sda1", device);
        Assert.True(volume.HasUefiFallback);
        Assert.Equal(WindowsBootVolume.UefiBcd, volume.BcdPath);
    }

    [SkippableFact]
    public async Task A_disk_with_both_boot_paths_supports_both_and_defaults_to_uefi_unless_vhdx()
    {
        var disk = WindowsImage.Disk(new WindowsImageDescription("both") { Firmware = WindowsFirmware.BiosAndUefi });
        var inspection = await InspectAsync(disk);

        Assert.True(inspection.WouldImportSucceed, string.Join("\n", inspection.Verdicts));
        Assert.Equal(BootModes.LegacyBios | BootModes.Uefi, inspection.BootModes);
        Assert.Equal((WindowsBootModes.Both, WindowsBootModes.Uefi), (inspection.WindowsBoot!.SupportedModes, inspection.WindowsBoot.DefaultMode));
        Assert.Equal("/dev/sda3", inspection.OperatingSystem!.RootDevice);

        // The same disk declared as a VHDX: legacy BIOS by default (smaller than 2 TiB, 3 primary partitions, basic disk).
        var asVhdx = await InspectAsync(disk, "VHDX");
        Assert.Equal(WindowsBootModes.LegacyBios, asVhdx.WindowsBoot!.DefaultMode);
        Assert.False(asVhdx.WindowsBoot.GptToMbrConversion);
    }

    [SkippableFact]
    public async Task A_uefi_gpt_vhdx_is_eligible_for_gpt_to_mbr_conversion()
    {
        var inspection = await InspectAsync(WindowsImage.Disk(new WindowsImageDescription("healthy-uefi") { Firmware = WindowsFirmware.Uefi }), "VHDX");

        Assert.True(inspection.WindowsBoot!.GptToMbrConversion);
        var verdict = Assert.Single(inspection.Verdicts);
        Assert.Equal(("windows-gpt-to-mbr", VerdictSeverity.Info), (verdict.Code, verdict.Severity));
        Assert.True(inspection.WouldImportSucceed);
    }

    [SkippableFact]
    public async Task Windows_11_on_a_uefi_disk_has_no_uefi_verdict()
    {
        var inspection = await InspectAsync(WindowsImage.Disk(new WindowsImageDescription("windows-11-uefi")
        {
            ProductName = "Windows 11 Pro",
            EditionId = "Professional",
            InstallationType = "Client",
            Build = 22631,
            Firmware = WindowsFirmware.Uefi,
        }));

        Assert.True(inspection.WouldImportSucceed, string.Join("\n", inspection.Verdicts));
        Assert.Equal("Windows 11", inspection.OperatingSystem!.Distribution);
        Assert.DoesNotContain(inspection.Verdicts, verdict => verdict.Code == "windows-requires-uefi");
    }

    /// <summary>
    /// The verdict with its severity and evidence, absent from the healthy image; a failure is the first one, with the
    /// StatusMessage an import ends with.
    /// </summary>
    [SkippableTheory]
    [MemberData(nameof(Verdicts))]
    public async Task Each_windows_verdict_has_an_image_that_triggers_it(string name)
    {
        var image = VerdictImageCatalog.Find(name);
        using var disks = image.Build();

        var inspection = await disks.InspectAsync();

        Assert.Equal(OperatingSystemKind.Windows, inspection.OperatingSystemKind);
        var verdict = Assert.Single(inspection.Verdicts, verdict => verdict.Code == image.Code);
        Assert.Equal(image.Severity, verdict.Severity);
        Assert.Equal(image.Severity != VerdictSeverity.Fail, inspection.WouldImportSucceed);
        Assert.False(string.IsNullOrWhiteSpace(verdict.Evidence), image.Code);
        if (image.Severity == VerdictSeverity.Fail)
        {
            Assert.Equal(image.StatusMessage, verdict.StatusMessage);
            Assert.Same(verdict, inspection.Verdicts.First(verdict => verdict.Severity == VerdictSeverity.Fail));
        }

        var healthy = await InspectAsync(WindowsImage.Disk(Healthy));
        Assert.DoesNotContain(healthy.Verdicts, other => other.Code == image.Code);
    }

    private static async Task<GuestInspection> InspectAsync(string path, string format = "raw")
    {
        await using var source = FileBlockSource.Open(path);
        return await GuestInspector.InspectAsync([new InspectedDiskInput(source, path, format)]);
    }
}

using System.Diagnostics;
using Vmie.Guest.Inspection;

namespace Vmie.Guest.Tests.Inspection;

/// <summary>
/// The Linux half of the verdict matrix (<see cref="VerdictImageCatalog"/>) through the inspector: for each Linux
/// verdict code, a disk built from the Debian rootfs (or a special disk for the size, volume and partition table
/// rules) on which the inspector gives that verdict with its severity and StatusMessage; and the healthy disks of
/// every layout and simulated distribution, on which it gives none.
/// </summary>
public sealed class LinuxVerdictImageTests
{
    private const long GiB = 1L << 30;

    public static TheoryData<string> Codes => [.. VerdictImageCatalog.Linux.Select(image => image.Name).Order(StringComparer.Ordinal)];

    public static TheoryData<string> HealthyImages => [.. VerdictImageCatalog.LinuxHealthy.Select(image => image.Name)];

    /// <summary>
    /// The verdict with its severity and message; a failure is the first one, so an import of the image ends with its
    /// StatusMessage; a warning or note alone does not stop an import.
    /// </summary>
    [SkippableTheory]
    [MemberData(nameof(Codes))]
    public async Task Each_verdict_has_a_real_image_that_triggers_it(string code)
    {
        var image = VerdictImageCatalog.Find(code);
        using var disks = image.Build();
        if (image.RefusedWhenOpened is { } refusal)
        {
            var error = await Assert.ThrowsAnyAsync<Exception>(disks.InspectAsync);
            Assert.Contains(refusal, error.Message, StringComparison.Ordinal);
            return;
        }

        var inspection = await disks.InspectAsync();

        var verdict = Assert.Single(inspection.Verdicts, verdict => verdict.Code == code);
        Assert.Equal(image.Severity, verdict.Severity);
        switch (image.Severity)
        {
            case VerdictSeverity.Fail:
                Assert.Equal(image.StatusMessage, verdict.StatusMessage);
                Assert.Same(verdict, inspection.Verdicts.First(verdict => verdict.Severity == VerdictSeverity.Fail));
                break;
            case VerdictSeverity.Warning:
                Assert.StartsWith(ImportStatusMessages.WarningPrefix, verdict.StatusMessage, StringComparison.Ordinal);
                Assert.True(inspection.WouldImportSucceed, string.Join("\n", inspection.Verdicts));
                break;
            default:
                Assert.DoesNotContain("ClientError", verdict.StatusMessage, StringComparison.Ordinal);
                Assert.True(inspection.WouldImportSucceed, string.Join("\n", inspection.Verdicts));
                break;
        }

        Assert.False(string.IsNullOrWhiteSpace(verdict.Fix));
    }

    [SkippableTheory]
    [MemberData(nameof(HealthyImages))]
    public async Task Healthy_images_get_no_verdict(string name)
    {
        var image = VerdictImageCatalog.LinuxHealthy.Single(image => image.Name == name);
        using var disks = image.Build();

        var inspection = await disks.InspectAsync();

        Assert.True(inspection.WouldImportSucceed, string.Join("\n", inspection.Verdicts));
        Assert.All(inspection.Verdicts, verdict => Assert.Contains(verdict.Code, image.AllowedCodes));
        Assert.Equal("x86_64", inspection.OperatingSystem!.Architecture);
        Assert.NotNull(inspection.OperatingSystem.DefaultKernel);
    }

    /// <summary>The catalogue's volume group misses a physical volume; a damaged metadata checksum gives the verdict too.</summary>
    [SkippableFact]
    public async Task Both_kinds_of_broken_volume_group_fail_lvm_activation()
    {
        var badChecksum = await InspectOnceAsync(DebianImage.LvmDisk("v-lvm-checksum", 2 * GiB, LvmDamage.BadMetadataChecksum).Disk);
        Assert.Contains(badChecksum.Verdicts, verdict => verdict.Code == "lvm-activation-failed" && verdict.Evidence.Contains("checksum", StringComparison.Ordinal));

        using var missingPv = VerdictImageCatalog.Find("lvm-activation-failed").Build();
        var missing = await missingPv.InspectAsync();
        var verdict = Assert.Single(missing.Verdicts, verdict => verdict.Code == "lvm-activation-failed");
        Assert.Contains("pv1", verdict.Evidence, StringComparison.Ordinal);
        Assert.Contains("missing", verdict.Evidence, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Layouts_are_seen_as_built()
    {
        var mbr = await InspectOnceAsync(DebianImage.MbrBiosDisk("layout-mbr", 2 * GiB));
        Assert.Equal(BootModes.LegacyBios, mbr.BootModes);
        Assert.Equal("/dev/sda2", mbr.OperatingSystem!.RootDevice);
        var boot = Assert.Single(mbr.Mounts);
        Assert.Equal(("/boot", "/dev/sda1", (string?)null), (boot.MountPoint, boot.DeviceName, boot.Problem));
        Assert.Equal(DebianImage.Kernel, mbr.OperatingSystem.DefaultKernel);

        var (lvmDisk, _) = DebianImage.LvmDisk("layout-lvm", 2 * GiB);
        var lvm = await InspectOnceAsync(lvmDisk);
        Assert.Equal("/dev/mapper/vg-root", lvm.OperatingSystem!.RootDevice);
        Assert.Equal(BootModes.Uefi, lvm.BootModes);
        Assert.Contains(lvm.Volumes, volume => volume.DeviceName == "/dev/mapper/vg-swap");
        Assert.True(lvm.Linux!.RootFreeBytes > 250L << 20);

        var xfs = await InspectOnceAsync(DebianImage.GptDisk("layout-xfs", 2 * GiB, kind: RootFileSystemKind.Xfs));
        Assert.Equal("xfs", Assert.Single(xfs.Volumes, volume => volume.DeviceName == "/dev/sda2").Content);

        var rocky = await InspectOnceAsync(DebianImage.GptDisk("layout-rocky", 2 * GiB, adjust: tree => SimulatedGuests.RockyLinux9(tree, savedEntry: true)));
        Assert.Equal(SimulatedGuests.RockyKernel, rocky.OperatingSystem!.DefaultKernel);
        Assert.NotNull(rocky.Linux!.Initramfs);
    }

    [SkippableFact]
    public async Task An_8_GiB_image_is_inspected_in_seconds()
    {
        var disk = DebianImage.LvmDisk("timing-lvm", 8 * GiB).Disk;
        var watch = Stopwatch.StartNew();
        var inspection = await InspectOnceAsync(disk);
        watch.Stop();

        Console.WriteLine($"inspection of an 8 GiB LVM image: {watch.Elapsed.TotalMilliseconds:F0} ms");
        Assert.True(inspection.WouldImportSucceed, string.Join("\n", inspection.Verdicts));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"inspection of an 8 GiB image took {watch.Elapsed}");
    }

    /// <summary>Inspects the disk and deletes it: a variant is used once, and the scratch space is shared.</summary>
    private static async Task<GuestInspection> InspectOnceAsync(string disk)
    {
        using var disks = VerdictImageDisks.Once(disk);
        return await disks.InspectAsync();
    }
}

using System.Diagnostics;
using Vmie.Disks.Sources;
using Vmie.Guest.Inspection;
using Vmie.Guest.Linux;

namespace Vmie.Guest.Tests.Inspection;

public class GuestInspectorImageTests
{
    private static async Task<GuestInspection> InspectAsync(string path)
    {
        await using var source = FileBlockSource.Open(path);
        return await GuestInspector.InspectAsync([new InspectedDiskInput(source, path, "raw")]);
    }

    [SkippableFact]
    public async Task A_debian_gpt_uefi_disk_would_import()
    {
        var disk = DebianImage.GptDisk("debian-ok", 8L << 30);
        var watch = Stopwatch.StartNew();
        var inspection = await InspectAsync(disk);
        watch.Stop();

        Assert.True(inspection.WouldImportSucceed, string.Join("\n", inspection.Verdicts));
        Assert.Equal(OperatingSystemKind.Linux, inspection.OperatingSystemKind);
        Assert.Equal(LinuxDistribution.Debian, inspection.Linux!.Release!.Distribution);
        Assert.Equal(DebianImage.Kernel, inspection.OperatingSystem!.DefaultKernel);
        Assert.Equal("x86_64", inspection.OperatingSystem.Architecture);
        Assert.Equal("/dev/sda2", inspection.OperatingSystem.RootDevice);
        Assert.Equal(BootModes.Uefi, inspection.BootModes);
        var mount = Assert.Single(inspection.Mounts);
        Assert.Equal(("/boot/efi", "/dev/sda1", (string?)null), (mount.MountPoint, mount.DeviceName, mount.Problem));
        Assert.NotNull(inspection.Linux.RootFreeBytes);
        Assert.True(inspection.Linux.RootFreeBytes > 250L << 20);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"inspection of an 8 GiB image took {watch.Elapsed}");
    }

    [SkippableFact]
    public async Task Verdicts_on_broken_variants()
    {
        var noRelease = await InspectAsync(DebianImage.GptDisk("debian-no-release", 2L << 30, adjust: tree =>
        {
            File.Delete(Path.Combine(tree, "etc/os-release"));
            File.Delete(Path.Combine(tree, "usr/lib/os-release"));
            File.Delete(Path.Combine(tree, "etc/debian_version"));
        }));
        Assert.Contains(noRelease.Verdicts, verdict => verdict.Code == "unknown-os" && verdict.Severity == VerdictSeverity.Fail);

        var twoGrubs = await InspectAsync(DebianImage.GptDisk("debian-two-grubs", 2L << 30, adjust: tree =>
        {
            Directory.CreateDirectory(Path.Combine(tree, "boot/grub2"));
            File.WriteAllText(Path.Combine(tree, "boot/grub2/grub.cfg"), $"menuentry 'Other' {{\n\tlinux\t/boot/vmlinuz-{DebianImage.Kernel} root=/dev/sdb1\n}}\n");
        }));
        Assert.Contains(twoGrubs.Verdicts, verdict => verdict.StatusMessage == ImportStatusMessages.MultipleGrubConfigurations);

        var noFallback = await InspectAsync(DebianImage.GptDisk("debian-no-fallback", 2L << 30, fallbackLoader: false));
        Assert.Equal(BootModes.Uefi, noFallback.BootModes);
        Assert.Contains(noFallback.Verdicts, verdict => verdict.Code == "uefi-fallback-missing" && verdict.Severity == VerdictSeverity.Fail);
        Assert.False(noFallback.WouldImportSucceed);
    }
}

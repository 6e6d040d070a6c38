using Vmie.Guest.Inspection;
using Vmie.Guest.Linux;
using Vmie.Guest.Tests.Linux;
using Vmie.Guest.Volumes;

namespace Vmie.Guest.Tests.Inspection;

public class VerdictRulesTests
{
    private const string Kernel = "6.1.0-18-amd64";

    private static Dictionary<string, string> DebianFiles() => new()
    {
        ["/etc/os-release"] = "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\nID=debian\n",
        ["/etc/debian_version"] = "12.4\n",
        ["/etc/fstab"] = "UUID=0a3407de-014b-458b-b5c1-848e92a327a3 / ext4 errors=remount-ro 0 1\n",
        ["/etc/network/interfaces"] = "auto eth0\niface eth0 inet dhcp\n",
        ["/boot/grub/grub.cfg"] = GrubSamples.UbuntuGrubCfg("set default=\"0\"").Replace("5.15.0-105-generic", Kernel, StringComparison.Ordinal),
        ["/boot/vmlinuz-" + Kernel] = "k",
        ["/lib"] = "-> usr/lib",
        ["/usr/lib/modules/" + Kernel + "/modules.builtin"] = "kernel/drivers/nvme/host/nvme.ko\n",
        ["/usr/lib/modules/" + Kernel + "/kernel/drivers/net/ethernet/amazon/ena/ena.ko"] = "m",
    };

    private static async Task<IReadOnlyList<Verdict>> JudgeAsync(
        Dictionary<string, string> files,
        ushort machine = 62,
        byte elfClass = 2,
        Func<VerdictFacts, VerdictFacts>? adjust = null)
    {
        var root = LinuxTree.Root(files, new Dictionary<string, byte[]> { ["/usr/bin/bash"] = ElfAndArchitectureTests.Header(elfClass, 1, machine) });
        var linux = await LinuxInspector.InspectAsync(root, new LinuxInspectionOptions { ReadInitramfs = false });
        var facts = new VerdictFacts
        {
            DiskVirtualSizes = [8L << 30],
            LinuxRootDevices = ["/dev/sda1"],
            Linux = linux,
            LinuxRootFileSystemType = "ext4",
            BootModes = BootModes.LegacyBios,
        };
        return VerdictRules.Evaluate(adjust?.Invoke(facts) ?? facts);
    }

    private static Verdict Single(IReadOnlyList<Verdict> verdicts, string code) => Assert.Single(verdicts, verdict => verdict.Code == code);

    private static IEnumerable<string> Failures(IReadOnlyList<Verdict> verdicts) =>
        verdicts.Where(verdict => verdict.Severity == VerdictSeverity.Fail).Select(verdict => verdict.Code);

    [Fact]
    public async Task A_supported_debian_passes_without_warnings()
    {
        var verdicts = await JudgeAsync(DebianFiles());
        Assert.Empty(verdicts);
    }

    [Fact]
    public async Task No_release_file_is_an_unknown_os()
    {
        var files = DebianFiles();
        files.Remove("/etc/os-release");
        files.Remove("/etc/debian_version");
        var verdict = Single(await JudgeAsync(files), "unknown-os");
        Assert.Equal("ClientError: Unknown OS / Missing OS files", verdict.StatusMessage);
        Assert.Equal(VerdictSeverity.Fail, verdict.Severity);
    }

    [Fact]
    public async Task No_linux_root_at_all_is_an_unknown_os()
    {
        var verdicts = VerdictRules.Evaluate(new VerdictFacts { DiskVirtualSizes = [1L << 30], BootModes = BootModes.LegacyBios });
        Assert.Equal(["unknown-os"], Failures(verdicts));
    }

    [Fact]
    public async Task A_kernel_outside_the_table_is_an_unsupported_kernel()
    {
        var files = DebianFiles();
        var other = "6.5.0-0.deb12.4-amd64";
        files["/boot/grub/grub.cfg"] = files["/boot/grub/grub.cfg"].Replace(Kernel, other, StringComparison.Ordinal);
        files["/boot/vmlinuz-" + other] = "k";
        var verdict = Single(await JudgeAsync(files), "kernel-unsupported");
        Assert.Equal("ClientError: Unsupported kernel version", verdict.StatusMessage);
        Assert.Contains(other, verdict.Evidence, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_version_outside_the_table_fails_and_an_unlisted_minor_warns()
    {
        var files = DebianFiles();
        files["/etc/os-release"] = "NAME=\"Debian GNU/Linux\"\nVERSION_ID=\"9\"\nID=debian\n";
        files["/etc/debian_version"] = "9.13\n";
        Assert.Contains("unsupported-version", Failures(await JudgeAsync(files)));

        files["/etc/os-release"] = "NAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\nID=debian\n";
        files["/etc/debian_version"] = "12.7\n";
        var verdicts = await JudgeAsync(files);
        Assert.Empty(Failures(verdicts));
        Assert.Equal(VerdictSeverity.Warning, Single(verdicts, "unlisted-version").Severity);
    }

    [Theory]
    [InlineData((ushort)3, (byte)1, "linux-32bit")]
    [InlineData((ushort)183, (byte)2, "arm64")]
    [InlineData((ushort)21, (byte)2, "architecture-unsupported")]
    public async Task Architectures_other_than_x86_64_fail(ushort machine, byte elfClass, string code) =>
        Assert.Contains(code, Failures(await JudgeAsync(DebianFiles(), machine, elfClass)));

    [Fact]
    public async Task Two_different_grub_configurations_fail()
    {
        var files = DebianFiles();
        files["/boot/grub2/grub.cfg"] = files["/boot/grub/grub.cfg"].Replace("timeout=0", "timeout=5", StringComparison.Ordinal);
        var verdict = Single(await JudgeAsync(files), "multiple-grub-configurations");
        Assert.Equal("ClientError: Multiple different grub/menu.lst files found", verdict.StatusMessage);
    }

    [Fact]
    public async Task No_grub_configuration_fails()
    {
        var files = DebianFiles();
        files.Remove("/boot/grub/grub.cfg");
        Assert.Contains("no-grub", Failures(await JudgeAsync(files)));
    }

    [Fact]
    public async Task Bls_without_a_default_fails()
    {
        var files = DebianFiles();
        files.Remove("/boot/grub/grub.cfg");
        files["/boot/grub2/grub.cfg"] = GrubSamples.RhelBlsGrubCfg;
        files["/boot/loader/entries/abc-" + Kernel + ".conf"] = GrubSamples.BlsEntry(Kernel);
        var verdict = Single(await JudgeAsync(files), "bls-default-missing");
        Assert.Equal("ClientError: BLSC-style GRUB found, but unable to detect default kernel", verdict.StatusMessage);
    }

    [Fact]
    public async Task Malformed_or_missing_fstab_fails()
    {
        var files = DebianFiles();
        files["/etc/fstab"] = "UUID=x / ext4 defaults zero 1\n";
        var verdict = Single(await JudgeAsync(files), "fstab-unreadable");
        Assert.Equal("ClientError: Invalid configuration - Could not read fstab", verdict.StatusMessage);
        Assert.Contains("/etc/fstab:1", verdict.Evidence, StringComparison.Ordinal);

        files.Remove("/etc/fstab");
        files["/etc/os-release"] += "\n";
        Assert.Contains("fstab-unreadable", Failures(await JudgeAsync(files)));
    }

    [Fact]
    public async Task Several_linux_roots_fail()
    {
        var verdict = Single(await JudgeAsync(DebianFiles(), adjust: facts => facts with { LinuxRootDevices = ["/dev/sda1", "/dev/sdb1"] }), "multiple-etc");
        Assert.Equal("ClientError: Unsupported configuration - Multiple directories found", verdict.StatusMessage);
        Assert.Contains("/dev/sdb1", verdict.Evidence, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Volume_problems_fail_with_their_messages()
    {
        var verdicts = await JudgeAsync(DebianFiles(), adjust: facts => facts with
        {
            VolumeProblems =
            [
                new VolumeProblem(VolumeProblemKind.LvmActivationFailed, "vg0", "vg0: PV missing"),
                new VolumeProblem(VolumeProblemKind.EncryptedVolume, "/dev/sda3", "/dev/sda3 is encrypted"),
                new VolumeProblem(VolumeProblemKind.DynamicDisk, "/dev/sdb", "dynamic"),
            ],
        });
        Assert.Equal(["lvm-activation-failed", "encrypted-volume", "dynamic-disk"], Failures(verdicts));
        Assert.Equal("ClientError: Unsupported configuration - Logical volume group activation failed", Single(verdicts, "lvm-activation-failed").StatusMessage);
    }

    [Fact]
    public async Task Disk_count_and_sizes()
    {
        Assert.Contains("too-many-volumes", Failures(await JudgeAsync(DebianFiles(), adjust: facts => facts with { DiskVirtualSizes = [.. Enumerable.Repeat(1L << 30, 22)] })));
        Assert.DoesNotContain("too-many-volumes", Failures(await JudgeAsync(DebianFiles(), adjust: facts => facts with { DiskVirtualSizes = [.. Enumerable.Repeat(1L << 30, 21)] })));
        Assert.Equal(["disk-too-large"], Failures(await JudgeAsync(DebianFiles(), adjust: facts => facts with { DiskVirtualSizes = [8L << 40] })));
        Assert.Empty(Failures(await JudgeAsync(DebianFiles(), adjust: facts => facts with { DiskVirtualSizes = [(8L << 40) - 512] })));
        Assert.Equal(["image-too-large"], Failures(await JudgeAsync(DebianFiles(), adjust: facts => facts with { DiskVirtualSizes = [16L << 40] })));
    }

    [Fact]
    public async Task Uefi_without_the_fallback_loader_fails_alone_and_warns_with_bios()
    {
        var esp = new EfiSystemPartitionContents("/dev/sda1", false, ["/EFI/debian/grubx64.efi"]);
        var uefiOnly = await JudgeAsync(DebianFiles(), adjust: facts => facts with { BootModes = BootModes.Uefi, EfiSystemPartition = esp });
        Assert.Equal(["uefi-fallback-missing"], Failures(uefiOnly));
        Assert.Contains("grubx64.efi", Single(uefiOnly, "uefi-fallback-missing").Evidence, StringComparison.Ordinal);

        var both = await JudgeAsync(DebianFiles(), adjust: facts => facts with { BootModes = BootModes.Uefi | BootModes.LegacyBios, EfiSystemPartition = esp });
        Assert.Equal(VerdictSeverity.Warning, Single(both, "uefi-fallback-missing").Severity);

        var withFallback = await JudgeAsync(DebianFiles(), adjust: facts => facts with { BootModes = BootModes.Uefi, EfiSystemPartition = esp with { HasFallbackLoader = true } });
        Assert.Empty(withFallback);
    }

    [Fact]
    public async Task No_boot_mode_is_no_bootable_partition()
    {
        var verdict = Single(await JudgeAsync(DebianFiles(), adjust: facts => facts with { BootModes = BootModes.None }), "no-bootable-partition");
        Assert.StartsWith("Client.Unsupported: No bootable partition found", verdict.StatusMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Btrfs_subvolumes_fail()
    {
        var verdict = Single(
            await JudgeAsync(DebianFiles(), adjust: facts => facts with { LinuxRootFileSystemType = "btrfs", BtrfsSubvolumes = ["@home"], BtrfsDefaultSubvolumeId = 5 }),
            "btrfs-subvolumes");
        Assert.Contains("@home", verdict.Evidence, StringComparison.Ordinal);
        Assert.Empty(await JudgeAsync(DebianFiles(), adjust: facts => facts with { LinuxRootFileSystemType = "btrfs", BtrfsDefaultSubvolumeId = 5 }));
    }

    [Fact]
    public async Task Unsupported_root_file_system_fails() =>
        Assert.Contains("root-file-system-unsupported", Failures(await JudgeAsync(DebianFiles(), adjust: facts => facts with { LinuxRootFileSystemType = "vfat" })));

    [Fact]
    public async Task Warnings_for_names_drivers_space_and_end_of_life()
    {
        var files = DebianFiles();
        files["/etc/network/interfaces"] = "auto ens33\niface ens33 inet dhcp\n";
        files.Remove("/usr/lib/modules/" + Kernel + "/modules.builtin");
        files.Remove("/usr/lib/modules/" + Kernel + "/kernel/drivers/net/ethernet/amazon/ena/ena.ko");
        var verdicts = await JudgeAsync(files, adjust: facts => facts with { Linux = facts.Linux! with { RootFreeBytes = 100L << 20 } });
        Assert.Empty(Failures(verdicts));
        Assert.Equal(
            ["predictable-interface-names", "ena-missing", "nvme-missing", "root-free-space"],
            verdicts.Select(verdict => verdict.Code));
        Assert.All(verdicts, verdict => Assert.Equal(VerdictSeverity.Warning, verdict.Severity));

        var old = DebianFiles();
        old["/etc/os-release"] = "NAME=\"Debian GNU/Linux\"\nVERSION_ID=\"10\"\nID=debian\n";
        old["/etc/debian_version"] = "10.13\n";
        Assert.Contains("end-of-life", (await JudgeAsync(old)).Select(verdict => verdict.Code));
    }

    [Fact]
    public async Task Unresolved_mounts_warn()
    {
        var verdicts = await JudgeAsync(DebianFiles(), adjust: facts => facts with { Mounts = [new InspectedMount("/home", "UUID=1234", "ext4", null, "no volume on the disks matches it.")] });
        Assert.Equal(VerdictSeverity.Warning, Single(verdicts, "mount-not-found").Severity);
    }
}

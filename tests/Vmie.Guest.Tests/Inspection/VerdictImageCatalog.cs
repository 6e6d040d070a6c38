using Vmie.Guest.Inspection;
using Vmie.Guest.Tests.Infrastructure;
using Vmie.Guest.Tests.Windows;

namespace Vmie.Guest.Tests.Inspection;

/// <summary>
/// The verdict matrix on real disks (issue 4 "Tests": every verdict has an image that triggers it and one that does
/// not), in one place for every test that needs it: the inspector's own tests (LinuxVerdictImageTests,
/// WindowsInspectorImageTests) and ImportImage end to end (Vmie.Cli.Tests links this file). Linux images are built
/// from the Debian rootfs (<see cref="DebianImage"/>, <see cref="SimulatedGuests"/>) or are special disks for the
/// size, volume and partition table rules; Windows images are written by <see cref="WindowsImage"/>.
/// </summary>
internal static class VerdictImageCatalog
{
    private const long GiB = 1L << 30;

    /// <summary>A healthy Debian GPT disk, built once per run: the other disks of the multi-disk images join it.</summary>
    private static readonly Lazy<string> HealthyDisk = new(() => DebianImage.GptDisk("matrix-healthy", 2 * GiB), LazyThreadSafetyMode.ExecutionAndPublication);

    public static IReadOnlyList<VerdictImage> Linux { get; } =
    [
        Fail("architecture-unsupported", ImportStatusMessages.UnsupportedArchitecture,
            () => Gpt("v-s390x", tree => SimulatedGuests.ReplaceShellBinaries(tree, 64, SimulatedGuests.MachineS390, bigEndian: true))),
        Fail("arm64", ImportStatusMessages.Arm64, () => Gpt("v-arm64", tree => SimulatedGuests.ReplaceShellBinaries(tree, 64, SimulatedGuests.MachineAarch64))),
        Fail("bls-default-missing", ImportStatusMessages.BlsDefaultKernelMissing, () => Gpt("v-bls", tree => SimulatedGuests.RockyLinux9(tree, savedEntry: false))),
        Fail("btrfs-subvolumes", ImportStatusMessages.BtrfsSubvolumes,
            () => VerdictImageDisks.Once(DebianImage.GptDisk("v-btrfs-subvolume", 2 * GiB, kind: RootFileSystemKind.BtrfsWithSubvolume))),
        Fail("corrupt-partition-table", ImportStatusMessages.CorruptPartitionTable, () => VerdictImageDisks.Once(CorruptGptDisk())),
        Fail("disk-too-large", ImportStatusMessages.ImportImageDiskTooLarge, () => new VerdictImageDisks(new VerdictImageDisk(QemuImage("v-9t.vhdx", "vhdx", "9T"), VerdictDiskKind.ImageFile))),
        Fail("dynamic-disk", ImportStatusMessages.DynamicDisk, () => WithHealthyBootDisk(DynamicDisk())),
        Fail("encrypted-volume", ImportStatusMessages.EncryptedVolume, () => WithHealthyBootDisk(LuksDisk())),
        Fail("fstab-unreadable", ImportStatusMessages.FstabUnreadable, () => Gpt("v-fstab", tree => File.AppendAllText(Path.Combine(tree, "etc/fstab"), "/dev/sdb1\n"))),

        // Vmie.Disks refuses to open an image declaring 16 TiB or more (with the same wording), and the host's ext4
        // cannot hold a raw sparse file that large: the rule is covered on facts by VerdictRulesTests.
        Fail("image-too-large", ImportStatusMessages.ImageTooLarge, () => new VerdictImageDisks(new VerdictImageDisk(QemuImage("v-17t.vhdx", "vhdx", "17T"), VerdictDiskKind.ImageFile)))
            with { RefusedWhenOpened = "smaller than 16 TiB" },
        Fail("initramfs-unreadable", ImportStatusMessages.InitramfsUnreadable, () => Gpt("v-initramfs", tree =>
        {
            File.WriteAllBytes(Path.Combine(tree, "boot/initrd.img-" + DebianImage.Kernel), [0x1F, 0x8B, 0x08, 0x00, 0xDE, 0xAD, 0xBE, 0xEF, 0x00, 0x03, 0xFF, 0xFF, 0xFF, 0xFF]);
            File.WriteAllText(Path.Combine(tree, "boot/grub/grub.cfg"), $"set default=\"0\"\nmenuentry 'Debian GNU/Linux' {{\n\tlinux\t/boot/vmlinuz-{DebianImage.Kernel} root=UUID={DebianImage.RootUuid} ro\n\tinitrd\t/boot/initrd.img-{DebianImage.Kernel}\n}}\n");
        })),
        Fail("kernel-unsupported", ImportStatusMessages.UnsupportedKernel, () => Gpt("v-kernel", tree =>
        {
            const string other = "5.10.0-28-amd64";
            File.Move(Path.Combine(tree, "boot/vmlinuz-" + DebianImage.Kernel), Path.Combine(tree, "boot/vmlinuz-" + other));
            Directory.Move(Path.Combine(tree, "lib/modules", DebianImage.Kernel), Path.Combine(tree, "lib/modules", other));
            File.WriteAllText(Path.Combine(tree, "boot/grub/grub.cfg"), $"set default=\"0\"\nmenuentry 'Debian GNU/Linux' {{\n\tlinux\t/boot/vmlinuz-{other} root=UUID={DebianImage.RootUuid} ro\n}}\n");
        })),
        Fail("linux-32bit", ImportStatusMessages.Linux32Bit, () => Gpt("v-i386", tree => SimulatedGuests.ReplaceShellBinaries(tree, 32, SimulatedGuests.MachineI386))),

        // A volume group with a physical volume missing (its root LV's second segment is there); a damaged metadata
        // checksum is the other way to the verdict (LinuxVerdictImageTests).
        Fail("lvm-activation-failed", ImportStatusMessages.LvmActivationFailed,
            () => VerdictImageDisks.Once(DebianImage.LvmDisk("v-lvm-missing", 2 * GiB, LvmDamage.MissingPhysicalVolume).Disk)),
        Fail("multiple-etc", ImportStatusMessages.MultipleDirectories, () => new VerdictImageDisks(SharedHealthy(), SharedHealthy())),
        Fail("multiple-grub-configurations", ImportStatusMessages.MultipleGrubConfigurations, () => Gpt("v-two-grubs", tree =>
        {
            Directory.CreateDirectory(Path.Combine(tree, "boot/grub2"));
            File.WriteAllText(Path.Combine(tree, "boot/grub2/grub.cfg"), $"menuentry 'Other' {{\n\tlinux\t/boot/vmlinuz-{DebianImage.Kernel} root=/dev/sdb1\n}}\n");
        })),
        Fail("no-bootable-partition", ImportStatusMessages.NoBootablePartition, () => VerdictImageDisks.Once(DebianImage.MbrBiosDisk("v-no-boot-code", 2 * GiB, bootCode: false))),
        Fail("no-grub", ImportStatusMessages.NoGrub, () => Gpt("v-no-grub", tree => Directory.Delete(Path.Combine(tree, "boot/grub"), recursive: true))),
        Fail("no-kernel", ImportStatusMessages.UnknownOs, () => Gpt("v-no-kernel", tree =>
        {
            File.Delete(Path.Combine(tree, "boot/vmlinuz-" + DebianImage.Kernel));
            Directory.Delete(Path.Combine(tree, "lib/modules", DebianImage.Kernel), recursive: true);
        })),
        Fail("root-file-system-unsupported", ImportStatusMessages.UnsupportedRootFileSystem, () => VerdictImageDisks.Once(FatRootDisk())),
        Fail("too-many-volumes", ImportStatusMessages.TooManyVolumes,
            () => new VerdictImageDisks([SharedHealthy(), .. Enumerable.Range(1, 21).Select(i => new VerdictImageDisk(ExternalTool.SparseFile($"v-data-{i}.img", 1 << 20)))])),
        Fail("uefi-fallback-missing", ImportStatusMessages.MissingFallbackEfiLoader, () => VerdictImageDisks.Once(DebianImage.GptDisk("v-no-fallback", 2 * GiB, fallbackLoader: false))),
        Fail("unknown-os", ImportStatusMessages.UnknownOs, () => Gpt("v-no-release", tree =>
        {
            File.Delete(Path.Combine(tree, "etc/os-release"));
            File.Delete(Path.Combine(tree, "usr/lib/os-release"));
            File.Delete(Path.Combine(tree, "etc/debian_version"));
        })),
        Fail("unsupported-version", ImportStatusMessages.UnknownOs, () => Gpt("v-debian-9", tree => SimulatedGuests.DebianVersion(tree, "9", "9.13"))),

        Warning("architecture-unknown", () => Gpt("v-arch-unknown", SimulatedGuests.ReplaceShellBinariesWithScripts)),
        Warning("ena-missing", () => Gpt("v-no-ena", tree => File.Delete(Path.Combine(tree, "lib/modules", DebianImage.Kernel, "kernel/drivers/net/ethernet/amazon/ena/ena.ko")))),
        Warning("end-of-life", () => VerdictImageDisks.Once(DebianImage.MbrBiosDisk("v-centos6", 2 * GiB, adjust: tree => SimulatedGuests.CentOs6(tree, "6.5")))),
        new("hybrid-grub2", "hybrid-grub2", VerdictSeverity.Info, null, () => Gpt("v-hybrid", tree =>
        {
            Directory.CreateDirectory(Path.Combine(tree, "boot/grub/i386-pc"));
            Directory.CreateDirectory(Path.Combine(tree, "boot/grub/x86_64-efi"));
        })),
        Warning("mount-not-found", () => Gpt("v-mount", tree => File.AppendAllText(Path.Combine(tree, "etc/fstab"), "UUID=0badc0de-0000-4000-8000-000000000000 /srv ext4 defaults 0 2\n"))),
        Warning("nvme-missing", () => Gpt("v-no-nvme", tree => File.WriteAllText(Path.Combine(tree, "lib/modules", DebianImage.Kernel, "modules.builtin"), "kernel/drivers/ata/ahci.ko\n"))),
        Warning("predictable-interface-names", () => Gpt("v-netplan", tree => SimulatedGuests.Ubuntu2204(tree, predictableNames: true))),
        Warning("root-free-space", () => VerdictImageDisks.Once(DebianImage.GptDisk("v-full", 2 * GiB, rootSize: 320L << 20))),

        // Debian 12.x as debootstrap installs it today: a point release the support table does not list.
        Warning("unlisted-version", () => new VerdictImageDisks(SharedHealthy())),
    ];

    /// <summary>Healthy disks of every layout and simulated distribution; Debian 12.x and CentOS 6.10 are versions the table does not list, CentOS 6 is end of life.</summary>
    public static IReadOnlyList<HealthyImage> LinuxHealthy { get; } =
    [
        new("debian-gpt-ext4", ["unlisted-version"], () => new VerdictImageDisks(SharedHealthy())),
        new("debian-mbr-bios", ["unlisted-version"], () => VerdictImageDisks.Once(DebianImage.MbrBiosDisk("ok-mbr", 2 * GiB))),
        new("debian-xfs", ["unlisted-version"], () => VerdictImageDisks.Once(DebianImage.GptDisk("ok-xfs", 2 * GiB, kind: RootFileSystemKind.Xfs))),
        new("debian-btrfs", ["unlisted-version"], () => VerdictImageDisks.Once(DebianImage.GptDisk("ok-btrfs", 2 * GiB, kind: RootFileSystemKind.Btrfs))),
        new("debian-lvm", ["unlisted-version"], () => VerdictImageDisks.Once(DebianImage.LvmDisk("ok-lvm", 2 * GiB).Disk)),
        new("rocky-9", [], () => Gpt("ok-rocky", tree => SimulatedGuests.RockyLinux9(tree, savedEntry: true))),
        new("centos-6", ["unlisted-version", "end-of-life"], () => VerdictImageDisks.Once(DebianImage.MbrBiosDisk("ok-centos6", 2 * GiB, adjust: tree => SimulatedGuests.CentOs6(tree)))),
        new("sles-15-sp5", [], () => Gpt("ok-sles", SimulatedGuests.Sles15Sp5)),
        new("ubuntu-22.04", [], () => Gpt("ok-ubuntu", tree => SimulatedGuests.Ubuntu2204(tree, predictableNames: false))),
    ];

    /// <summary>A Windows Server 2019 Standard on an MBR disk with System Reserved: no verdict at all.</summary>
    public static WindowsImageDescription WindowsHealthy { get; } = new("healthy-bios");

    public static IReadOnlyList<VerdictImage> Windows { get; } =
    [
        WindowsFail("unknown-version", "windows-unknown-version", ImportStatusMessages.UnknownOs, new("unknown-version") { ProductName = "Windows Server vNext Standard", Build = 99999 }),
        WindowsFail("edition", "windows-edition", ImportStatusMessages.UnsupportedWindowsEdition, new("edition") { ProductName = "Windows Server 2019 Essentials", EditionId = "ServerSolution" }),
        WindowsFail("bits", "windows-bits", ImportStatusMessages.UnsupportedWindowsEdition,
            new("bits") { ProductName = "Windows 10 Pro", EditionId = "Professional", InstallationType = "Client", Build = 19045, Machine = WindowsGuest.I386 }),
        WindowsFail("arm64", "arm64", ImportStatusMessages.Arm64,
            new("arm64") { ProductName = "Windows 10 Pro", EditionId = "Professional", InstallationType = "Client", Build = 19045, Machine = WindowsGuest.Arm64 }),
        WindowsFail("language", "windows-language", ImportStatusMessages.WindowsNotUsEnglish, new("language") { Language = "0407" }),
        WindowsFail("hyper-v", "windows-hyper-v-role", ImportStatusMessages.WindowsFirstBootFailure, new("hyper-v") { HyperVRole = true }),
        WindowsFail("nano", "windows-nano-server", ImportStatusMessages.NanoServer,
            new("nano") { ProductName = "Windows Server 2016 Standard", EditionId = "ServerStandardNano", InstallationType = "Nano Server", Build = 14393 }),
        WindowsFail("requires-uefi", "windows-requires-uefi", ImportStatusMessages.WindowsFirstBootFailure,
            new("requires-uefi") { ProductName = "Windows 11 Pro", EditionId = "Professional", InstallationType = "Client", Build = 22631 }),
        WindowsFail("no-boot-files", "no-bootable-partition", ImportStatusMessages.NoBootablePartition, new("no-boot-files") { BootFiles = false }),
        WindowsFail("no-boot-files-uefi", "no-bootable-partition", ImportStatusMessages.NoBootablePartition, new("no-boot-files-uefi") { BootFiles = false, Firmware = WindowsFirmware.Uefi }),
        WindowsWarning("pagefile", "windows-pagefile", new("pagefile") { Pagefile = [@"?:\pagefile.sys"] }),
        WindowsWarning("free-space", "windows-free-space", new("free-space") { DiskSize = 4L << 30 }),
        WindowsWarning("end-of-life", "windows-end-of-life",
            new("end-of-life") { ProductName = "Windows 7 Professional", EditionId = "Professional", InstallationType = "Client", Build = 7601, LegacyVersion = "6.1" }),
        WindowsWarning("ems", "windows-ems", new("ems") { Ems = true }),

        // A UEFI GPT boot disk imported as a VHDX is converted to MBR (spec §4.3); as a raw disk it would not be.
        new("windows-gpt-to-mbr", "windows-gpt-to-mbr", VerdictSeverity.Info, null,
            () => new VerdictImageDisks(new VerdictImageDisk(WindowsImage.Disk(new("healthy-uefi") { Firmware = WindowsFirmware.Uefi }), VerdictDiskKind.RawImportedAsVhdx, Shared: true))) { IsWindows = true },
    ];

    public static IEnumerable<VerdictImage> All => Linux.Concat(Windows);

    /// <summary>The image named <paramref name="name"/>.</summary>
    public static VerdictImage Find(string name) =>
        All.SingleOrDefault(image => image.Name == name) ?? throw new ArgumentOutOfRangeException(nameof(name), name, "No such verdict image.");

    /// <summary>The shared healthy Debian GPT disk (kept: other images use it too).</summary>
    public static VerdictImageDisk SharedHealthy() => new(HealthyDisk.Value, Shared: true);

    private static VerdictImage Fail(string code, string statusMessage, Func<VerdictImageDisks> build) => new(code, code, VerdictSeverity.Fail, statusMessage, build);

    private static VerdictImage Warning(string code, Func<VerdictImageDisks> build) => new(code, code, VerdictSeverity.Warning, null, build);

    private static VerdictImage WindowsFail(string name, string code, string statusMessage, WindowsImageDescription description) =>
        new("windows-" + name, code, VerdictSeverity.Fail, statusMessage, () => WindowsDisk(description)) { IsWindows = true };

    private static VerdictImage WindowsWarning(string name, string code, WindowsImageDescription description) =>
        new("windows-" + name, code, VerdictSeverity.Warning, null, () => WindowsDisk(description)) { IsWindows = true };

    /// <summary>Windows disks are built once per run and description name, and kept.</summary>
    private static VerdictImageDisks WindowsDisk(WindowsImageDescription description) => new(new VerdictImageDisk(WindowsImage.Disk(description), Shared: true));

    /// <summary>A 2 GiB Debian GPT disk (UEFI, ext4 root) whose rootfs <paramref name="adjust"/> changes.</summary>
    private static VerdictImageDisks Gpt(string name, Action<string> adjust) => VerdictImageDisks.Once(DebianImage.GptDisk(name, 2 * GiB, adjust: adjust));

    /// <summary>The shared healthy boot disk and <paramref name="second"/>, made for this image.</summary>
    private static VerdictImageDisks WithHealthyBootDisk(string second) => new(SharedHealthy(), new VerdictImageDisk(second));

    /// <summary>A GPT disk whose primary and backup headers are both damaged (one byte of each header's disk GUID).</summary>
    private static string CorruptGptDisk()
    {
        var disk = ExternalTool.SparseFile("v-corrupt-gpt.img", 64L << 20);
        ExternalTool.Run("sgdisk", "gdisk", "-n1:1MiB:+16MiB", "-t1:ef00", "-n2:0:0", "-t2:8300", disk);
        using var stream = new FileStream(disk, FileMode.Open, FileAccess.ReadWrite);
        foreach (var header in new[] { 512L, stream.Length - 512 })
        {
            stream.Position = header + 56;
            var b = stream.ReadByte();
            stream.Position = header + 56;
            stream.WriteByte((byte)(b ^ 0xFF));
        }

        return disk;
    }

    /// <summary>An MBR disk with one partition of type 0x42 (Windows LDM): a dynamic disk's partition table.</summary>
    private static string DynamicDisk()
    {
        var disk = ExternalTool.SparseFile("v-dynamic.img", 64L << 20);
        ExternalTool.RunWithInput("sfdisk", "fdisk", "label: dos\nstart=2048, type=42\n", "--quiet", disk);
        return disk;
    }

    /// <summary>A whole disk formatted by cryptsetup luksFormat (LUKS2; no root needed on a file).</summary>
    private static string LuksDisk()
    {
        var disk = ExternalTool.SparseFile("v-luks.img", 32L << 20);
        var key = ExternalTool.ScratchPath("v-luks.key");
        File.WriteAllText(key, "key");
        ExternalTool.Run("cryptsetup", "cryptsetup-bin", "luksFormat", "--batch-mode", "--type", "luks2", "--key-file", key, "--pbkdf", "pbkdf2", "--pbkdf-force-iterations", "1000", disk);
        return disk;
    }

    /// <summary>A Linux root on FAT32 (mkfs.vfat + mcopy): os-release, fstab, the host's /bin/sh, a kernel and grub.cfg; FAT is no root file system VM Import takes.</summary>
    private static string FatRootDisk()
    {
        var tree = ExternalTool.ScratchPath("v-fat-root-tree");
        foreach (var directory in new[] { "etc", "bin", "boot/grub", $"lib/modules/{DebianImage.Kernel}/kernel/drivers/net/ethernet/amazon/ena" })
        {
            Directory.CreateDirectory(Path.Combine(tree, directory));
        }

        File.WriteAllText(Path.Combine(tree, "etc/os-release"), "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\nID=debian\n");
        File.WriteAllText(Path.Combine(tree, "etc/fstab"), "LABEL=ROOT / vfat defaults 0 1\n");
        File.Copy("/bin/sh", Path.Combine(tree, "bin/sh"));
        File.WriteAllText(Path.Combine(tree, "boot/vmlinuz-" + DebianImage.Kernel), "kernel");
        File.WriteAllText(Path.Combine(tree, $"lib/modules/{DebianImage.Kernel}/kernel/drivers/net/ethernet/amazon/ena/ena.ko"), "m");
        File.WriteAllText(Path.Combine(tree, $"lib/modules/{DebianImage.Kernel}/modules.builtin"), "kernel/drivers/nvme/host/nvme.ko\n");
        File.WriteAllText(Path.Combine(tree, "boot/grub/grub.cfg"), $"set default=\"0\"\nmenuentry 'Debian' {{\n\tlinux\t/boot/vmlinuz-{DebianImage.Kernel} root=LABEL=ROOT ro\n}}\n");
        var root = ExternalTool.ScratchPath("v-fat-root.fat");
        File.Delete(root);
        ExternalTool.Run("mkfs.vfat", "dosfstools", "-C", "-F", "32", "-n", "ROOT", root, "65536");
        ExternalTool.Run("mcopy", "mtools", "-s", "-i", root, Path.Combine(tree, "etc"), Path.Combine(tree, "bin"), Path.Combine(tree, "boot"), Path.Combine(tree, "lib"), "::/");
        Directory.Delete(tree, recursive: true);
        var disk = ExternalTool.SparseFile("v-fat-root.img", 256L << 20);
        ExternalTool.Run("sgdisk", "gdisk", "-n1:1MiB:+64MiB", "-t1:8300", disk);
        ExternalTool.CopyInto(disk, 1L << 20, root);
        File.Delete(root);
        return disk;
    }

    /// <summary>An empty image of <paramref name="size"/> made by qemu-img create (a few KiB for any declared size).</summary>
    private static string QemuImage(string name, string format, string size)
    {
        var path = ExternalTool.ScratchPath(name);
        File.Delete(path);
        ExternalTool.Run("qemu-img", "qemu-utils", "create", "-q", "-f", format, path, size);
        return path;
    }
}

using Vmie.Guest.Tests.Infrastructure;
using Vmie.Guest.Tests.Infrastructure.Lvm;

namespace Vmie.Guest.Tests.Inspection;

/// <summary>
/// Real guest disks for the inspection tests: a Debian bookworm minbase rootfs from debootstrap (built once per
/// machine and kept in the temp directory: it takes half a minute), with a kernel file name, modules and a
/// grub.cfg added; each variant copies it (cp -a), adjusts the copy, makes the root file system (ext4, XFS or
/// Btrfs) and lays it out on a sparse disk: GPT with an ESP (UEFI), MBR with an active /boot (legacy BIOS), or
/// GPT with an LVM2 physical volume. The trees and file system images are deleted once the disk is written.
/// </summary>
internal static class DebianImage
{
    public const string Kernel = "6.1.0-18-amd64";
    public const string RootUuid = "11111111-2222-3333-4444-555555555555";
    public const string BootUuid = "66666666-7777-8888-9999-aaaaaaaaaaaa";
    public const string VolumeGroup = "vg";
    public const string EspFstabLine = "UUID=ABCD-1234 /boot/efi vfat umask=0077 0 1\n";
    private const long MiB = 1 << 20;
    private const long ExtentBytes = LvmVolumeGroupText.ExtentSectors * 512;

    private static readonly Lazy<string> RootFs = new(BuildRootFs, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>A copy of the rootfs, adjusted by <paramref name="adjust"/>.</summary>
    public static string Tree(string name, Action<string>? adjust = null)
    {
        var tree = ExternalTool.TreePath(name + "-tree");
        ExternalTool.Run("cp", "coreutils", "-a", RootFs.Value, tree);
        adjust?.Invoke(tree);
        return tree;
    }

    /// <summary>
    /// A GPT disk of <paramref name="size"/> bytes: ESP (with or without BOOTX64.EFI) and the root (600 MiB, or
    /// <paramref name="rootSize"/>) made as <paramref name="kind"/>; the rootfs adjusted by <paramref name="adjust"/> first.
    /// </summary>
    public static string GptDisk(string name, long size, bool fallbackLoader = true, Action<string>? adjust = null, RootFileSystemKind kind = RootFileSystemKind.Ext4, long rootSize = 600 * MiB)
    {
        var tree = Tree(name, tree =>
        {
            SetRootFstabType(tree, kind);
            adjust?.Invoke(tree);
        });
        var root = RootFileSystemImage.Build(name, tree, kind, rootSize, RootUuid);
        Directory.Delete(tree, recursive: true);
        var esp = EspImage(name, fallbackLoader);
        var disk = ExternalTool.SparseFile(name + ".img", size);
        ExternalTool.Run("sgdisk", "gdisk", "-n1:1MiB:+64MiB", "-t1:ef00", $"-n2:0:+{rootSize / MiB}MiB", "-t2:8300", disk);
        ExternalTool.CopyInto(disk, 1 * MiB, esp);
        ExternalTool.CopyInto(disk, 65 * MiB, root);
        File.Delete(esp);
        File.Delete(root);
        return disk;
    }

    /// <summary>
    /// A legacy-BIOS MBR disk as a Debian installer makes it with a separate /boot: partition 1 an active ext4
    /// /boot (256 MiB, holding the kernel and GRUB's i386-pc modules and grub.cfg), partition 2 the ext4 root; fstab
    /// names the root by UUID and /boot by LABEL; no ESP. With <paramref name="bootCode"/>, sector 0 gets a few
    /// non-zero bytes in its 440-byte boot code area: grub-install would write boot.img there, but it needs a
    /// block device and root; the inspector (like a BIOS) only tells code from an empty area.
    /// </summary>
    public static string MbrBiosDisk(string name, long size, bool bootCode = true, Action<string>? adjust = null)
    {
        var tree = Tree(name, tree =>
        {
            File.WriteAllText(Path.Combine(tree, "etc/fstab"), $"UUID={RootUuid} / ext4 errors=remount-ro 0 1\nLABEL=boot /boot ext4 defaults 0 2\n");
            var modules = Path.Combine(tree, "boot/grub/i386-pc");
            Directory.CreateDirectory(modules);
            File.WriteAllText(Path.Combine(modules, "normal.mod"), "module");
            adjust?.Invoke(tree);
        });
        var bootTree = ExternalTool.TreePath(name + "-boot-tree");
        Directory.Move(Path.Combine(tree, "boot"), bootTree);
        Directory.CreateDirectory(Path.Combine(tree, "boot"));
        var boot = ExternalTool.SparseFile(name + ".boot.ext4", 256 * MiB);
        ExternalTool.Run("mkfs.ext4", "e2fsprogs", "-q", "-F", "-L", "boot", "-U", BootUuid, "-d", bootTree, boot);
        var root = RootFileSystemImage.Build(name, tree, RootFileSystemKind.Ext4, 600 * MiB, RootUuid);
        Directory.Delete(tree, recursive: true);
        Directory.Delete(bootTree, recursive: true);
        var disk = ExternalTool.SparseFile(name + ".img", size);
        ExternalTool.RunWithInput("sfdisk", "fdisk", "label: dos\nstart=1MiB, size=256MiB, type=83, bootable\nstart=257MiB, size=600MiB, type=83\n", "--quiet", disk);
        if (bootCode)
        {
            using var stream = new FileStream(disk, FileMode.Open, FileAccess.Write);
            stream.Write([0xEB, 0x63, 0x90, 0x10, 0x8E, 0xD0, 0xBC, 0x00, 0xB0, 0xB8]);
        }

        ExternalTool.CopyInto(disk, 1 * MiB, boot);
        ExternalTool.CopyInto(disk, 257 * MiB, root);
        File.Delete(boot);
        File.Delete(root);
        return disk;
    }

    /// <summary>
    /// A GPT disk with the ESP and an LVM2 PV (partition 2, type 8e00) written by <see cref="LvmPhysicalVolumeWriter"/>:
    /// VG "vg" with LV root (ext4, 150 extents of 4 MiB in two linear segments, PEs 0-99 and 116-165) and LV swap
    /// (mkswap, PEs 100-115); fstab names /dev/mapper/vg-root and /dev/mapper/vg-swap. <paramref name="damage"/>
    /// breaks the volume group. Returns the disk, and with <paramref name="keepPhysicalVolume"/> the PV alone (for pvck).
    /// </summary>
    public static (string Disk, string? PhysicalVolume) LvmDisk(string name, long size, LvmDamage damage = LvmDamage.None, Action<string>? adjust = null, bool keepPhysicalVolume = false)
    {
        const long rootExtents = 150;
        const long firstSegment = 100;
        const long swapExtents = 16;
        const long peCount = 175;
        var tree = Tree(name, tree =>
        {
            File.WriteAllText(Path.Combine(tree, "etc/fstab"), $"/dev/mapper/{VolumeGroup}-root / ext4 errors=remount-ro 0 1\n{EspFstabLine}/dev/mapper/{VolumeGroup}-swap none swap sw 0 0\n");
            adjust?.Invoke(tree);
        });
        var root = RootFileSystemImage.Build(name, tree, RootFileSystemKind.Ext4, rootExtents * ExtentBytes, RootUuid);
        Directory.Delete(tree, recursive: true);
        var swap = ExternalTool.SparseFile(name + ".swap", swapExtents * ExtentBytes);
        ExternalTool.Run("mkswap", "util-linux", "-q", swap);

        var pvSize = LvmPhysicalVolumeWriter.DataAreaOffset + (peCount * ExtentBytes);
        var pv = ExternalTool.SparseFile(name + ".pv", pvSize);
        var secondPv = damage == LvmDamage.MissingPhysicalVolume ? "pv1" : "pv0";
        var secondPe = damage == LvmDamage.MissingPhysicalVolume ? 0 : firstSegment + swapExtents;
        List<LvmPvDescription> pvs = [new("pv0", "PvPvPv-0000-1111-2222-3333-4444-555555", pvSize / 512, peCount)];
        if (damage == LvmDamage.MissingPhysicalVolume)
        {
            pvs.Add(new("pv1", "PvPvPv-9999-8888-7777-6666-5555-444444", pvSize / 512, peCount));
        }

        var text = LvmVolumeGroupText.Format(VolumeGroup, "VgVgVg-0000-1111-2222-3333-4444-555555", 3, pvs,
        [
            new("root", "LvLvLv-0000-1111-2222-3333-4444-rootlv", [new("pv0", 0, firstSegment), new(secondPv, secondPe, rootExtents - firstSegment)]),
            new("swap", "LvLvLv-0000-1111-2222-3333-4444-swaplv", [new("pv0", firstSegment, swapExtents)]),
        ]);
        LvmPhysicalVolumeWriter.Write(pv, "PvPvPv0000111122223333444455555" + "5", pvSize, text);
        if (damage == LvmDamage.BadMetadataChecksum)
        {
            using var stream = new FileStream(pv, FileMode.Open, FileAccess.ReadWrite);
            stream.Position = LvmPhysicalVolumeWriter.MetadataAreaOffset + 512 + 3;
            var b = stream.ReadByte();
            stream.Position--;
            stream.WriteByte((byte)(b ^ 0x20));
        }

        var dataStart = LvmPhysicalVolumeWriter.DataAreaOffset;
        ExternalTool.CopyInto(pv, dataStart, root, 0, firstSegment * ExtentBytes);
        ExternalTool.CopyInto(pv, dataStart + ((firstSegment + swapExtents) * ExtentBytes), root, firstSegment * ExtentBytes, (rootExtents - firstSegment) * ExtentBytes);
        ExternalTool.CopyInto(pv, dataStart + (firstSegment * ExtentBytes), swap);
        File.Delete(root);
        File.Delete(swap);

        var esp = EspImage(name, fallbackLoader: true);
        var disk = ExternalTool.SparseFile(name + ".img", size);
        ExternalTool.Run("sgdisk", "gdisk", "-n1:1MiB:+64MiB", "-t1:ef00", $"-n2:0:+{(pvSize / MiB) + 1}MiB", "-t2:8e00", disk);
        ExternalTool.CopyInto(disk, 1 * MiB, esp);
        ExternalTool.CopyInto(disk, 65 * MiB, pv);
        File.Delete(esp);
        if (!keepPhysicalVolume)
        {
            File.Delete(pv);
        }

        return (disk, keepPhysicalVolume ? pv : null);
    }

    /// <summary>Sets the type of the root's fstab line to the file system it is made as.</summary>
    private static void SetRootFstabType(string tree, RootFileSystemKind kind) =>
        File.WriteAllText(Path.Combine(tree, "etc/fstab"), $"UUID={RootUuid} / {RootFileSystemImage.FstabType(kind)} defaults 0 1\n{EspFstabLine}");

    /// <summary>A 64 MiB FAT32 ESP with /EFI/BOOT/BOOTX64.EFI (the removable-media fallback) or only /EFI/debian/grubx64.efi.</summary>
    private static string EspImage(string name, bool fallbackLoader)
    {
        var esp = ExternalTool.ScratchPath(name + ".fat");
        File.Delete(esp);
        ExternalTool.Run("mkfs.vfat", "dosfstools", "-C", "-F", "32", "-i", "ABCD1234", esp, "65536");
        ExternalTool.Run("mmd", "mtools", "-i", esp, "::/EFI", "::/EFI/BOOT", "::/EFI/debian");
        var loader = ExternalTool.ScratchPath(name + ".efi");
        File.WriteAllText(loader, "MZ");
        ExternalTool.Run("mcopy", "mtools", "-i", esp, loader, fallbackLoader ? "::/EFI/BOOT/BOOTX64.EFI" : "::/EFI/debian/grubx64.efi");
        File.Delete(loader);
        return esp;
    }

    private static string BuildRootFs()
    {
        var cached = Path.Combine(Path.GetTempPath(), "vmie-test-debian-bookworm-minbase");
        if (!File.Exists(Path.Combine(cached, ".complete")))
        {
            var building = cached + ".building-" + Environment.ProcessId;
            ExternalTool.Run("debootstrap", "debootstrap", "--variant=minbase", "bookworm", building);
            File.WriteAllText(Path.Combine(building, ".complete"), "");
            try
            {
                Directory.Move(building, cached);
            }
            catch (IOException) when (File.Exists(Path.Combine(cached, ".complete")))
            {
                // Another test process finished first: use its copy.
            }
        }

        var tree = ExternalTool.ScratchPath("debian-rootfs");
        if (!Directory.Exists(tree))
        {
            ExternalTool.Run("cp", "coreutils", "-a", cached, tree);
            Directory.CreateDirectory(Path.Combine(tree, "boot/grub"));
            File.WriteAllText(Path.Combine(tree, "boot/vmlinuz-" + Kernel), "kernel");
            var modules = Path.Combine(tree, "lib/modules", Kernel);
            Directory.CreateDirectory(Path.Combine(modules, "kernel/drivers/net/ethernet/amazon/ena"));
            File.WriteAllText(Path.Combine(modules, "kernel/drivers/net/ethernet/amazon/ena/ena.ko"), "m");
            File.WriteAllText(Path.Combine(modules, "modules.builtin"), "kernel/drivers/nvme/host/nvme.ko\n");
            File.WriteAllText(Path.Combine(tree, "etc/fstab"), $"UUID={RootUuid} / ext4 defaults 0 1\n{EspFstabLine}");
            File.WriteAllText(Path.Combine(tree, "boot/grub/grub.cfg"), $"set default=\"0\"\nmenuentry 'Debian GNU/Linux' {{\n\tlinux\t/boot/vmlinuz-{Kernel} root=UUID={RootUuid} ro quiet\n}}\n");
        }

        return tree;
    }
}

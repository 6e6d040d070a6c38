using Vmie.Guest.Tests.Infrastructure;

namespace Vmie.Guest.Tests.Inspection;

/// <summary>
/// Real guest disks for the inspection tests: a Debian bookworm minbase rootfs from debootstrap (built once per
/// machine and kept in the temp directory: it takes half a minute), with a kernel file name, modules and a
/// grub.cfg added, made into ext4 with mkfs.ext4 -d and laid out with sgdisk on a sparse disk.
/// </summary>
internal static class DebianImage
{
    public const string Kernel = "6.1.0-18-amd64";
    public const string RootUuid = "11111111-2222-3333-4444-555555555555";

    private static readonly Lazy<string> RootFs = new(BuildRootFs, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>A GPT disk of <paramref name="size"/> bytes: ESP (with or without BOOTX64.EFI) and the ext4 root; the rootfs adjusted by <paramref name="adjust"/> first.</summary>
    public static string GptDisk(string name, long size, bool fallbackLoader = true, Action<string>? adjust = null)
    {
        var tree = ExternalTool.ScratchPath(name + "-tree");
        ExternalTool.Run("cp", "coreutils", "-a", RootFs.Value, tree);
        adjust?.Invoke(tree);
        var root = ExternalTool.ScratchPath(name + ".ext4");
        ExternalTool.Run("mkfs.ext4", "e2fsprogs", "-q", "-U", RootUuid, "-d", tree, root, "600M");
        var esp = ExternalTool.ScratchPath(name + ".fat");
        File.Delete(esp);
        ExternalTool.Run("mkfs.vfat", "dosfstools", "-C", "-F", "32", "-i", "ABCD1234", esp, "65536");
        ExternalTool.Run("mmd", "mtools", "-i", esp, "::/EFI", "::/EFI/BOOT", "::/EFI/debian");
        var loader = ExternalTool.ScratchPath(name + ".efi");
        File.WriteAllText(loader, "MZ");
        ExternalTool.Run("mcopy", "mtools", "-i", esp, loader, fallbackLoader ? "::/EFI/BOOT/BOOTX64.EFI" : "::/EFI/debian/grubx64.efi");
        var disk = ExternalTool.SparseFile(name + ".img", size);
        ExternalTool.Run("sgdisk", "gdisk", "-n1:1MiB:+64MiB", "-t1:ef00", "-n2:0:+600MiB", "-t2:8300", disk);
        ExternalTool.CopyInto(disk, 1L << 20, esp);
        ExternalTool.CopyInto(disk, 65L << 20, root);
        return disk;
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
            File.WriteAllText(Path.Combine(tree, "etc/fstab"), $"UUID={RootUuid} / ext4 defaults 0 1\nUUID=ABCD-1234 /boot/efi vfat umask=0077 0 1\n");
            File.WriteAllText(Path.Combine(tree, "boot/grub/grub.cfg"), $"set default=\"0\"\nmenuentry 'Debian GNU/Linux' {{\n\tlinux\t/boot/vmlinuz-{Kernel} root=UUID={RootUuid} ro quiet\n}}\n");
        }

        return tree;
    }
}

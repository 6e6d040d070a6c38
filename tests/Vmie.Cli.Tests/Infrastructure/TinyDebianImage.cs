namespace Vmie.Cli.Tests.Infrastructure;

/// <summary>
/// A small bootable-looking Debian 12 disk for `vmie check`: a rootfs of a few files (os-release, /bin/sh, an empty
/// kernel, module lists, fstab, grub.cfg) made into ext4 with mkfs.ext4 -d, on a sparse GPT disk with a BIOS boot
/// partition and boot code in the protective MBR. The inspector's own tests cover real debootstrap trees.
/// </summary>
internal static class TinyDebianImage
{
    public const string Kernel = "6.1.0-13-amd64";
    public const string RootUuid = "11111111-2222-3333-4444-555555555555";
    public const string OsName = "Debian GNU/Linux 12 (bookworm)";

    /// <summary>Writes the disk to <paramref name="path"/>; <paramref name="adjust"/> may change the rootfs tree first.</summary>
    public static async Task WriteAsync(string path, long size, Action<string>? adjust = null)
    {
        var mkfs = RequiredTool.Require("mkfs.ext4", "e2fsprogs");
        var sgdisk = RequiredTool.Require("sgdisk", "gdisk");
        var tree = path + ".tree";
        Directory.CreateDirectory(Path.Combine(tree, "etc"));
        Directory.CreateDirectory(Path.Combine(tree, "bin"));
        Directory.CreateDirectory(Path.Combine(tree, "boot/grub"));
        var modules = Path.Combine(tree, "lib/modules", Kernel);
        Directory.CreateDirectory(Path.Combine(modules, "kernel/drivers/net/ethernet/amazon/ena"));
        await File.WriteAllTextAsync(Path.Combine(tree, "etc/os-release"),
            $"PRETTY_NAME=\"{OsName}\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\nVERSION=\"12 (bookworm)\"\nVERSION_CODENAME=bookworm\nID=debian\n");
        File.Copy("/bin/sh", Path.Combine(tree, "bin/sh"));
        await File.WriteAllTextAsync(Path.Combine(tree, "boot/vmlinuz-" + Kernel), "");
        await File.WriteAllTextAsync(Path.Combine(modules, "kernel/drivers/net/ethernet/amazon/ena/ena.ko"), "m");
        await File.WriteAllTextAsync(Path.Combine(modules, "modules.builtin"), "kernel/drivers/nvme/host/nvme.ko\n");
        await File.WriteAllTextAsync(Path.Combine(tree, "etc/fstab"), $"UUID={RootUuid} / ext4 defaults 0 1\n");
        await File.WriteAllTextAsync(Path.Combine(tree, "boot/grub/grub.cfg"),
            $"set default=\"0\"\nmenuentry 'Debian GNU/Linux' {{\n\tlinux\t/boot/vmlinuz-{Kernel} root=UUID={RootUuid} ro quiet\n}}\n");
        adjust?.Invoke(tree);

        // 400 MiB so the root keeps the 250 MiB free that VM Import wants; mkfs writes it sparse.
        var root = path + ".ext4";
        await RunAsync(mkfs, "-q", "-F", "-U", RootUuid, "-d", tree, root, "400M");
        using (var disk = new FileStream(path, FileMode.Create, FileAccess.Write))
        {
            disk.SetLength(size);
        }

        await RunAsync(sgdisk, "-n1:1MiB:+1MiB", "-t1:ef02", "-n2:2MiB:+400MiB", "-t2:8300", path);
        await using (var disk = new FileStream(path, FileMode.Open, FileAccess.Write))
        {
            // Some boot code in the protective MBR: what grub-install would leave there (any non-zero bytes count).
            await disk.WriteAsync(new byte[] { 0xEB, 0x63, 0x90, 0x10, 0x8E, 0xD0, 0xBC, 0x00 });
            await using var rootFs = File.OpenRead(root);
            var buffer = new byte[1 << 20];
            for (long offset = 0; ; offset += buffer.Length)
            {
                var read = await rootFs.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false);
                if (read == 0)
                {
                    break;
                }

                // Keep the disk sparse: most of a fresh ext4 is zeros.
                if (buffer.AsSpan(0, read).ContainsAnyExcept((byte)0))
                {
                    disk.Position = (2L << 20) + offset;
                    await disk.WriteAsync(buffer.AsMemory(0, read));
                }
            }
        }

        File.Delete(root);
        Directory.Delete(tree, recursive: true);
    }

    private static async Task RunAsync(string program, params string[] arguments)
    {
        var result = await ProcessRunner.RunAsync(program, arguments);
        Assert.True(result.ExitCode == 0, $"{program} {string.Join(' ', arguments)}: {result}");
    }
}

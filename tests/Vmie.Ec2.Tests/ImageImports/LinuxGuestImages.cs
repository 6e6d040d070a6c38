namespace Vmie.Ec2.Tests.ImageImports;

/// <summary>
/// Small Linux guests built once per test run: a Debian 12 root (os-release, /bin/sh as an x86-64 ELF, a kernel and
/// its ENA module, grub.cfg, fstab) made into ext4 with mkfs.ext4 -d, on sparse GPT disks with a BIOS boot partition
/// and boot code in the protective MBR. <see cref="BiosOnly"/> boots in legacy BIOS only; <see cref="BiosAndUefi"/>
/// adds an EFI System Partition with EFI/BOOT/BOOTX64.EFI; <see cref="WithoutOsRelease"/> is a refused guest;
/// <see cref="Data"/> is a second disk of random data.
/// </summary>
public sealed class LinuxGuestImages : IDisposable
{
    public const string Kernel = "6.1.0-13-amd64";
    public const string RootUuid = "11111111-2222-3333-4444-555555555555";
    private const long MiB = 1 << 20;

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "vmie-ec2-image-imports", Guid.NewGuid().ToString("N"));
    private readonly Lazy<string> _biosOnly;
    private readonly Lazy<string> _biosAndUefi;
    private readonly Lazy<string> _withoutOsRelease;
    private readonly Lazy<string> _data;

    public LinuxGuestImages()
    {
        Directory.CreateDirectory(_directory);
        _biosOnly = new(() => Build("bios.raw", withEsp: false, withOsRelease: true));
        _biosAndUefi = new(() => Build("both.raw", withEsp: true, withOsRelease: true));
        _withoutOsRelease = new(() => Build("noos.raw", withEsp: false, withOsRelease: false));
        _data = new(BuildData);
    }

    /// <summary>Where tests may put images derived from these (conversions, OVAs).</summary>
    public string Scratch => _directory;

    public string BiosOnly => _biosOnly.Value;

    public string BiosAndUefi => _biosAndUefi.Value;

    public string WithoutOsRelease => _withoutOsRelease.Value;

    public string Data => _data.Value;

    public void Dispose()
    {
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Left for the temp directory cleanup.
        }
    }

    private string Build(string name, bool withEsp, bool withOsRelease)
    {
        var path = Path.Combine(_directory, name);
        var tree = path + ".tree";
        Directory.CreateDirectory(Path.Combine(tree, "etc"));
        Directory.CreateDirectory(Path.Combine(tree, "bin"));
        Directory.CreateDirectory(Path.Combine(tree, "boot/grub"));
        var modules = Path.Combine(tree, "lib/modules", Kernel);
        Directory.CreateDirectory(Path.Combine(modules, "kernel/drivers/net/ethernet/amazon/ena"));
        if (withOsRelease)
        {
            File.WriteAllText(Path.Combine(tree, "etc/os-release"),
                "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\nVERSION=\"12 (bookworm)\"\nVERSION_CODENAME=bookworm\nID=debian\n");
        }

        File.Copy("/bin/sh", Path.Combine(tree, "bin/sh"));
        File.WriteAllText(Path.Combine(tree, "boot/vmlinuz-" + Kernel), "");
        File.WriteAllText(Path.Combine(modules, "kernel/drivers/net/ethernet/amazon/ena/ena.ko"), "m");
        File.WriteAllText(Path.Combine(modules, "modules.builtin"), "kernel/drivers/nvme/host/nvme.ko\n");
        File.WriteAllText(Path.Combine(tree, "etc/fstab"), $"UUID={RootUuid} / ext4 defaults 0 1\n");
        File.WriteAllText(Path.Combine(tree, "boot/grub/grub.cfg"),
            $"set default=\"0\"\nmenuentry 'Debian GNU/Linux' {{\n\tlinux\t/boot/vmlinuz-{Kernel} root=UUID={RootUuid} ro quiet\n}}\n");

        // 300 MiB so the root keeps the 250 MiB free VM Import wants; mkfs writes it sparse.
        var root = path + ".ext4";
        ImageTool.Run("mkfs.ext4", "e2fsprogs", "-q", "-F", "-U", RootUuid, "-d", tree, root, "300M");
        var rootStart = withEsp ? 34 * MiB : 2 * MiB;
        using (var disk = new FileStream(path, FileMode.Create, FileAccess.Write))
        {
            disk.SetLength(rootStart + (300 * MiB) + MiB);
        }

        if (withEsp)
        {
            ImageTool.Run("sgdisk", "gdisk", "-n1:1MiB:+1MiB", "-t1:ef02", "-n2:2MiB:+32MiB", "-t2:ef00", "-n3:34MiB:+300MiB", "-t3:8300", path);
            var esp = path + ".esp";
            using (var file = new FileStream(esp, FileMode.Create, FileAccess.Write))
            {
                file.SetLength(32 * MiB);
            }

            ImageTool.Run("mkfs.vfat", "dosfstools", esp);
            var loader = path + ".efi";
            File.WriteAllBytes(loader, [0x4D, 0x5A, 1, 2, 3, 4]);
            ImageTool.Run("mmd", "mtools", "-i", esp, "::/EFI", "::/EFI/BOOT");
            ImageTool.Run("mcopy", "mtools", "-i", esp, loader, "::/EFI/BOOT/BOOTX64.EFI");
            CopyInto(esp, path, 2 * MiB);
            File.Delete(esp);
            File.Delete(loader);
        }
        else
        {
            ImageTool.Run("sgdisk", "gdisk", "-n1:1MiB:+1MiB", "-t1:ef02", "-n2:2MiB:+300MiB", "-t2:8300", path);
        }

        using (var disk = new FileStream(path, FileMode.Open, FileAccess.Write))
        {
            // Some boot code in the protective MBR: what grub-install would leave there.
            disk.Write([0xEB, 0x63, 0x90, 0x10, 0x8E, 0xD0, 0xBC, 0x00]);
        }

        CopyInto(root, path, rootStart);
        File.Delete(root);
        Directory.Delete(tree, recursive: true);
        return path;
    }

    private string BuildData()
    {
        var path = Path.Combine(_directory, "data.raw");
        var bytes = new byte[16 * MiB];
        new Random(5).NextBytes(bytes);
        bytes.AsSpan((int)(4 * MiB), (int)(4 * MiB)).Clear();
        File.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary>Copies a file's non-zero MiB into the disk at <paramref name="offset"/>, keeping the disk sparse.</summary>
    private static void CopyInto(string file, string diskPath, long offset)
    {
        using var disk = new FileStream(diskPath, FileMode.Open, FileAccess.Write);
        using var source = File.OpenRead(file);
        var buffer = new byte[MiB];
        for (long position = 0; ; position += buffer.Length)
        {
            var read = source.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
            if (read == 0)
            {
                break;
            }

            if (buffer.AsSpan(0, read).ContainsAnyExcept((byte)0))
            {
                disk.Position = offset + position;
                disk.Write(buffer, 0, read);
            }
        }
    }
}

using System.Collections.Concurrent;
using System.Globalization;
using Vmie.Guest.Tests.Infrastructure;
using Vmie.Guest.Tests.Infrastructure.Ntfs;
using Vmie.Guest.Tests.Windows;

namespace Vmie.Guest.Tests.Inspection;

/// <summary>How a Windows test disk starts.</summary>
internal enum WindowsFirmware
{
    /// <summary>MBR: an active "System Reserved" NTFS partition with /bootmgr and /Boot/BCD, then C:.</summary>
    Bios,

    /// <summary>GPT: a FAT32 ESP with /EFI/Microsoft/Boot/bootmgfw.efi, BCD and /EFI/Boot/bootx64.efi, an MSR, then C:.</summary>
    Uefi,

    /// <summary>MBR: the active System Reserved partition, an ESP-type (0xEF) FAT32 partition with the UEFI files, then C:.</summary>
    BiosAndUefi,
}

/// <summary>
/// What a Windows test disk holds: the registry facts (made into hives by <see cref="WindowsGuest"/> and
/// <see cref="HiveWriter"/>), the architecture of the System32 PE images, the boot files and the layout.
/// </summary>
internal sealed record WindowsImageDescription(string Name)
{
    public string ProductName { get; init; } = "Windows Server 2019 Standard";

    public string EditionId { get; init; } = "ServerStandard";

    public string InstallationType { get; init; } = "Server";

    public int Build { get; init; } = 17763;

    /// <summary>Before Windows 10 the version is only the CurrentVersion string ("6.1"); null for NT 10.</summary>
    public string? LegacyVersion { get; init; }

    public string Language { get; init; } = "0409";

    public ushort Machine { get; init; } = WindowsGuest.X64;

    public bool HyperVRole { get; init; }

    public IReadOnlyList<string> Pagefile { get; init; } = [@"C:\pagefile.sys 4096 4096"];

    public WindowsFirmware Firmware { get; init; } = WindowsFirmware.Bios;

    /// <summary>The disk's size: C: takes what the boot partitions leave (sparse, so its free space is real).</summary>
    public long DiskSize { get; init; } = 8L << 30;

    /// <summary>Emergency Management Services on in the BCD's Windows loader entry (bcdedit /ems on).</summary>
    public bool Ems { get; init; }

    /// <summary>False leaves bootmgr, BCD and the EFI loaders out: no partition can start Windows.</summary>
    public bool BootFiles { get; init; } = true;
}

/// <summary>
/// Real Windows guest disks for the inspection tests, built once per test run and description name: NTFS volumes by
/// <see cref="NtfsImageWriter"/> written straight into a sparse disk laid out by sfdisk or sgdisk, the ESP by
/// mkfs.vfat and mcopy. The MBR gets boot code bytes, as Windows setup leaves it.
/// </summary>
internal static class WindowsImage
{
    public const string LoaderEntry = "{b2721d73-1db4-4c62-bf78-c548a880142d}";
    public const string BootManager = "{9dea862c-5cdd-4e70-acc1-f32b344d4795}";

    private const long MiB = 1L << 20;
    private const long SystemReservedSize = 100 * MiB;
    private const long EspSize = 64 * MiB;
    private const long MsrSize = 16 * MiB;

    private static readonly ConcurrentDictionary<string, Lazy<string>> Disks = new(StringComparer.Ordinal);

    /// <summary>The disk image for <paramref name="description"/> (built on first use; later calls with the same name share it).</summary>
    public static string Disk(WindowsImageDescription description)
    {
        ArgumentNullException.ThrowIfNull(description);
        RequiredTool.Require("sfdisk", "fdisk");
        RequiredTool.Require("sgdisk", "gdisk");
        RequiredTool.Require("mkfs.vfat", "dosfstools");
        RequiredTool.Require("mcopy", "mtools");
        return Disks.GetOrAdd(description.Name, _ => new Lazy<string>(() => Build(description))).Value;
    }

    public static WindowsGuest Guest(WindowsImageDescription description)
    {
        var guest = description.LegacyVersion is { } version
            ? WindowsGuest.Legacy(description.ProductName, description.EditionId, version, description.Build, description.InstallationType,
                description.InstallationType == "Client" ? "WinNT" : "ServerNT", description.Machine)
            : WindowsGuest.Nt10(description.ProductName, description.EditionId, description.InstallationType, description.Build, description.Language, description.Machine);
        guest.SetLanguage(description.Language);
        guest.SetPagefile([.. description.Pagefile]);
        if (description.HyperVRole)
        {
            guest.ControlSet.Key(@"Services\vmms").String("DisplayName", "Hyper-V Virtual Machine Management");
        }

        guest.ExtraFiles["Windows/System32/ntoskrnl.exe"] = WindowsGuest.PeImage(description.Machine);
        guest.ExtraFiles["Windows/System32/winload.exe"] = WindowsGuest.PeImage(description.Machine);
        guest.ExtraFiles["Users/Administrator/Desktop/notes.txt"] = "hello from C:\r\n"u8.ToArray();
        return guest;
    }

    /// <summary>A BCD store: the boot manager's default entry and the Windows loader entry, EMS on when asked.</summary>
    public static byte[] Bcd(bool ems)
    {
        var root = new HiveKey("ROOT");
        root.Key(@"Description").DWord("KeyName", 0).String("System", "BCD00000000");
        root.Key($@"Objects\{BootManager}\Elements\23000003").String("Element", LoaderEntry);
        root.Key($@"Objects\{BootManager}\Elements\12000004").String("Element", "Windows Boot Manager");
        var loader = root.Key($@"Objects\{LoaderEntry}\Elements");
        loader.Key("12000002").String("Element", @"\Windows\system32\winload.exe");
        loader.Key("12000004").String("Element", "Windows Server");
        if (ems)
        {
            loader.Key("260000b0").Binary("Element", [1]);
        }

        return HiveWriter.Write(root);
    }

    private static string Build(WindowsImageDescription description)
    {
        var name = "windows-" + description.Name;
        var system = Tree(name + "-c", Guest(description).Files());
        var bootFiles = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        if (description.BootFiles)
        {
            bootFiles["bootmgr"] = "BOOTMGR"u8.ToArray();
            bootFiles["Boot/BCD"] = Bcd(description.Ems);
        }

        var reserved = Tree(name + "-reserved", bootFiles);
        var disk = ExternalTool.SparseFile(name + ".img", description.DiskSize);
        long cStart;
        switch (description.Firmware)
        {
            case WindowsFirmware.Bios:
                cStart = MiB + SystemReservedSize;
                Partition(disk, "label: dos\n" +
                    Line(MiB, SystemReservedSize, "7", bootable: true) +
                    Line(cStart, description.DiskSize - cStart - MiB, "7", bootable: false));
                WriteBootCode(disk);
                WriteNtfs(disk, MiB, SystemReservedSize, reserved, "System Reserved");
                break;
            case WindowsFirmware.Uefi:
                cStart = MiB + EspSize + MsrSize;
                ExternalTool.Run("sgdisk", "gdisk",
                [
                    .. Gpt(1, MiB, EspSize, "ef00", "EFI system partition"),
                    .. Gpt(2, MiB + EspSize, MsrSize, "0c01", "Microsoft reserved partition"),
                    .. Gpt(3, cStart, description.DiskSize - cStart - MiB, "0700", "Basic data partition"),
                    disk,
                ]);
                WriteEsp(disk, name, MiB, description);
                break;
            case WindowsFirmware.BiosAndUefi:
                cStart = MiB + SystemReservedSize + EspSize;
                Partition(disk, "label: dos\n" +
                    Line(MiB, SystemReservedSize, "7", bootable: true) +
                    Line(MiB + SystemReservedSize, EspSize, "ef", bootable: false) +
                    Line(cStart, description.DiskSize - cStart - MiB, "7", bootable: false));
                WriteBootCode(disk);
                WriteNtfs(disk, MiB, SystemReservedSize, reserved, "System Reserved");
                WriteEsp(disk, name, MiB + SystemReservedSize, description);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(description), description.Firmware, "Unknown firmware.");
        }

        WriteNtfs(disk, cStart, description.DiskSize - cStart - MiB, system, "");
        return disk;
    }

    private static string Line(long start, long size, string type, bool bootable) =>
        string.Create(CultureInfo.InvariantCulture, $"start={start / 512}, size={size / 512}, type={type}{(bootable ? ", bootable" : "")}\n");

    private static string[] Gpt(int number, long start, long size, string type, string label) =>
    [
        string.Create(CultureInfo.InvariantCulture, $"-n{number}:{start / 512}:{((start + size) / 512) - 1}"),
        $"-t{number}:{type}",
        $"-c{number}:{label}",
    ];

    private static void Partition(string disk, string script) => ExternalTool.RunWithInput("sfdisk", "fdisk", script, "-q", disk);

    /// <summary>Non-zero bytes where the MBR's boot code goes (its first 440 bytes): the disk has a BIOS boot loader.</summary>
    private static void WriteBootCode(string disk)
    {
        var code = new byte[440];
        for (var i = 0; i < code.Length; i++)
        {
            code[i] = (byte)(0x90 + (i % 7));
        }

        using var stream = new FileStream(disk, FileMode.Open, FileAccess.Write);
        stream.Write(code);
    }

    private static void WriteNtfs(string disk, long offset, long size, string tree, string label)
    {
        using var stream = new FileStream(disk, FileMode.Open, FileAccess.ReadWrite);
        NtfsImageWriter.Write(stream.SafeFileHandle, offset, size, tree, new NtfsImageOptions(label, 0x5EED_0000_0000_0000 + (ulong)offset, (uint)(offset / 512)));
    }

    private static void WriteEsp(string disk, string name, long offset, WindowsImageDescription description)
    {
        var esp = ExternalTool.ScratchPath(name + ".fat");
        File.Delete(esp);
        ExternalTool.Run("mkfs.vfat", "dosfstools", "-C", "-F", "32", "-n", "SYSTEM", "-i", "5EED0E5F", esp, (EspSize / 1024).ToString(CultureInfo.InvariantCulture));
        ExternalTool.Run("mmd", "mtools", "-i", esp, "::/EFI", "::/EFI/Microsoft", "::/EFI/Microsoft/Boot", "::/EFI/Boot");
        if (description.BootFiles)
        {
            var loader = ExternalTool.ScratchPath(name + "-loader.efi");
            File.WriteAllBytes(loader, WindowsGuest.PeImage(WindowsGuest.X64));
            var bcd = ExternalTool.ScratchPath(name + "-esp-bcd");
            File.WriteAllBytes(bcd, Bcd(description.Ems));
            ExternalTool.Run("mcopy", "mtools", "-i", esp, loader, "::/EFI/Microsoft/Boot/bootmgfw.efi");
            ExternalTool.Run("mcopy", "mtools", "-i", esp, loader, "::/EFI/Boot/bootx64.efi");
            ExternalTool.Run("mcopy", "mtools", "-i", esp, bcd, "::/EFI/Microsoft/Boot/BCD");
        }

        ExternalTool.CopyInto(disk, offset, esp);
    }

    /// <summary>Writes <paramref name="files"/> (paths ending in "/" are directories) under a fresh scratch directory.</summary>
    private static string Tree(string name, IReadOnlyDictionary<string, byte[]> files)
    {
        var root = ExternalTool.ScratchPath(name);
        if (Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }

        Directory.CreateDirectory(root);
        foreach (var (path, content) in files)
        {
            var full = Path.Combine(root, path);
            if (path.EndsWith('/'))
            {
                Directory.CreateDirectory(full);
                continue;
            }

            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllBytes(full, content);
        }

        return root;
    }
}

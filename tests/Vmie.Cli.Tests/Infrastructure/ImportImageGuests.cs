using System.Globalization;
using Vmie.Guest.Tests.Infrastructure;
using Vmie.Guest.Tests.Inspection;

namespace Vmie.Cli.Tests.Infrastructure;

/// <summary>
/// Real guests for the ImportImage end-to-end tests, built once per test run by the guest tests' builders (linked
/// source): a Debian bookworm minbase on a legacy-BIOS MBR disk (about 200 MiB of data) in every format ImportImage
/// takes (converted with qemu-img; the OVA made with tar and an OVF descriptor), a data disk, and Windows Server and
/// Windows client guests.
/// </summary>
internal static class ImportImageGuests
{
    private const long MiB = 1 << 20;

    private static readonly Dictionary<string, Lazy<string>> Built = [];

    private static readonly Lazy<string> DebianDisk = Once(() => DebianImage.MbrBiosDisk("e2e-debian", 900 * MiB));
    private static readonly Lazy<string> DataDisk = Once(BuildDataDisk);
    private static readonly Lazy<string> LargeDataDisk = Once(BuildLargeDataDisk);

    public static string DebianRaw => DebianDisk.Value;

    public static string DebianVmdk => Convert(DebianRaw, "vmdk");

    public static string DebianVhd => Convert(DebianRaw, "vpc", ".vhd");

    public static string DebianVhdx => Convert(DebianRaw, "vhdx");

    public static string DebianOva => Ova(DebianVmdk, new FileInfo(DebianRaw).Length);

    public static string DataVmdk => Convert(DataDisk.Value, "vmdk");

    /// <summary>
    /// A raw disk of 1 GiB holding 768 MiB of random bytes: converting it takes seconds on any machine, so a test that acts
    /// "while a task is converting" (cancel, kill, the active-task limit) does not race the conversion's end.
    /// </summary>
    public static string LargeDataRaw => LargeDataDisk.Value;

    public static string WindowsServerVhdx => Convert(Build("e2e-windows-server", () => WindowsImage.Disk(new WindowsImageDescription("e2e-windows-server"))), "vhdx");

    public static string WindowsClientVhdx => Convert(Build("e2e-windows-client", () => WindowsImage.Disk(new WindowsImageDescription("e2e-windows-client")
    {
        ProductName = "Windows 10 Pro",
        EditionId = "Professional",
        InstallationType = "Client",
        Build = 19045,
    })), "vhdx");

    private static Lazy<string> Once(Func<string> build) => new(build, LazyThreadSafetyMode.ExecutionAndPublication);

    private static string Build(string name, Func<string> build)
    {
        Lazy<string> lazy;
        lock (Built)
        {
            if (!Built.TryGetValue(name, out lazy!))
            {
                lazy = Once(build);
                Built[name] = lazy;
            }
        }

        return lazy.Value;
    }

    /// <summary>qemu-img convert next to the source, once (a VMDK is stream-optimized, as VM Import wants).</summary>
    private static string Convert(string source, string format, string? extension = null)
    {
        return Build(source + "." + format, () =>
        {
            var target = Path.ChangeExtension(source, extension ?? "." + format);
            string[] options = format == "vmdk" ? ["-o", "subformat=streamOptimized"] : [];
            ExternalTool.Run("qemu-img", "qemu-utils", ["convert", "-O", format, .. options, source, target]);
            return target;
        });
    }

    /// <summary>An OVA as virtualization tools write one: a tar of the OVF descriptor first, then the disk.</summary>
    private static string Ova(string vmdk, long capacity)
    {
        return Build(vmdk + ".ova", () =>
        {
            var directory = Path.ChangeExtension(vmdk, ".ova-parts");
            Directory.CreateDirectory(directory);
            File.Copy(vmdk, Path.Combine(directory, "disk1.vmdk"), overwrite: true);
            File.WriteAllText(Path.Combine(directory, "vm.ovf"), $"""
                <?xml version="1.0" encoding="UTF-8"?>
                <Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1" xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1">
                  <References><File ovf:id="file1" ovf:href="disk1.vmdk"/></References>
                  <DiskSection><Info>Virtual disks</Info><Disk ovf:diskId="vmdisk1" ovf:fileRef="file1" ovf:capacity="{capacity.ToString(CultureInfo.InvariantCulture)}"/></DiskSection>
                </Envelope>
                """);
            var ova = Path.ChangeExtension(vmdk, ".ova");
            ExternalTool.Run("tar", "tar", "--format=ustar", "-cf", ova, "-C", directory, "vm.ovf", "disk1.vmdk");
            Directory.Delete(directory, recursive: true);
            return ova;
        });
    }

    /// <summary>A second disk: 64 MiB with 16 MiB of random data.</summary>
    private static string BuildDataDisk()
    {
        var path = ExternalTool.ScratchPath("e2e-data.raw");
        var bytes = new byte[16 * MiB];
        new Random(7).NextBytes(bytes);
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write);
        file.SetLength(64 * MiB);
        file.Position = 8 * MiB;
        file.Write(bytes);
        return path;
    }

    private static string BuildLargeDataDisk()
    {
        var path = ExternalTool.ScratchPath("e2e-large-data.raw");
        DiskImageFile.Write(path, 1024 * MiB, [(0, 768 * MiB)], seed: 11);
        return path;
    }
}

using System.Diagnostics;
using Vmie.Disks.Conversion;
using Vmie.Disks.Detection;
using Vmie.Disks.Sources;
using Vmie.Disks.Tests.Infrastructure;

namespace Vmie.Disks.Tests.Conversion;

/// <summary>
/// Every format vmie writes, converted into every format vmie writes: raw → A → B, where each step reads
/// the previous output with vmie's own readers. Each output passes `qemu-img check` and `qemu-img compare`
/// against the source, and vmie reads it back identical.
/// </summary>
public sealed class FormatPairRoundTripTests : IDisposable
{
    private readonly TestDisk _disk = new();

    public void Dispose() => _disk.Dispose();

    public static TheoryData<string, string> Pairs()
    {
        var pairs = new TheoryData<string, string>();
        foreach (var first in DiskImageTargets.All)
        {
            foreach (var second in DiskImageTargets.All)
            {
                pairs.Add(first.Name, second.Name);
            }
        }

        return pairs;
    }

    [SkippableTheory]
    [MemberData(nameof(Pairs))]
    public async Task Raw_through_one_format_into_another_keeps_every_byte(string first, string second)
    {
        var raw = _disk.WriteStandardRaw();
        var middle = await ConvertAsync(raw, first, "middle");
        var last = await ConvertAsync(middle, second, "last");

        foreach (var (path, target) in new[] { (middle, first), (last, second) })
        {
            var qemuImage = QemuView(path, target);
            var check = QemuImg.TryRun("check", "--image-opts", qemuImage);
            Assert.True(check.ExitCode is 0 or 63, $"qemu-img check of the {target} output: {check.Output}");
            var compare = QemuImg.TryRun("compare", "--image-opts", qemuImage, $"driver=raw,file.filename={raw}");
            Assert.True(compare.ExitCode == 0, $"qemu-img compare of the {target} output with the source: {compare.Output}");

            await using var opened = await DiskImageOpener.OpenAsync(FileBlockSource.Open(path));
            await VirtualDiskAssert.SameAsRawAsync(opened.Disk, raw);
        }
    }

    private async Task<string> ConvertAsync(string source, string targetName, string stem)
    {
        var target = DiskImageTargets.Find(targetName)!;
        var path = _disk.PathOf($"{stem}-{targetName}{(target.Extensions.Count > 0 ? target.Extensions[0] : ".img")}");
        await using var opened = await DiskImageOpener.OpenAsync(FileBlockSource.Open(source));
        await target.WriteFileAsync(opened.Disk, path);
        return path;
    }

    /// <summary>The qemu-img --image-opts that open a vmie output the way its format intends.</summary>
    private string QemuView(string path, string target) => target switch
    {
        "raw" => $"driver=raw,file.filename={path}",
        // qemu 7.2 sizes VHDs from creators it does not know by CHS geometry; vmie's stores the exact size.
        "vhd" or "vhd-fixed" => $"driver=vpc,force_size_calc=current_size,file.filename={path}",
        "vhdx" => $"driver=vhdx,file.filename={path}",
        "vmdk" => $"driver=vmdk,file.filename={path}",
        "ova" => $"driver=vmdk,file.filename={ExtractFirstDisk(path)}",
        _ => throw new InvalidOperationException($"No way to check vmie's '{target}' output with qemu-img: add one here."),
    };

    private string ExtractFirstDisk(string ova)
    {
        var directory = _disk.PathOf(Path.GetFileNameWithoutExtension(ova) + "-extracted");
        Directory.CreateDirectory(directory);
        using var tar = Process.Start(new ProcessStartInfo("tar", ["-xf", ova, "-C", directory]) { UseShellExecute = false })!;
        tar.WaitForExit();
        Assert.Equal(0, tar.ExitCode);
        return Directory.GetFiles(directory, "*.vmdk").Order(StringComparer.Ordinal).First();
    }
}

using Vmie.Disks.Raw;
using Vmie.Disks.Vhd;

namespace Vmie.Disks.Conversion;

/// <summary>Every format vmie writes, by name and by file extension: the one place a new writer is listed.</summary>
public static class DiskImageTargets
{
    public static IReadOnlyList<DiskImageTarget> All { get; } =
    [
        new DiskImageTarget(
            "raw",
            "raw disk image (a sparse file when local)",
            [".raw", ".img", ".bin"],
            RawImageWriter.WriteStreamAsync,
            RawImageWriter.WriteFileAsync),
        new DiskImageTarget(
            "vhd",
            "dynamic VHD",
            [".vhd"],
            (disk, output, progress, token) => DynamicVhdWriter.WriteAsync(ProgressReportingDisk.Wrap(disk, progress), output, cancellationToken: token)),
        new DiskImageTarget(
            "vhd-fixed",
            "fixed VHD",
            [],
            (disk, output, progress, token) => FixedVhdWriter.WriteAsync(ProgressReportingDisk.Wrap(disk, progress), output, cancellationToken: token)),
    ];

    /// <summary>The target named <paramref name="name"/> (case-insensitive), or null.</summary>
    public static DiskImageTarget? Find(string name) =>
        All.FirstOrDefault(target => string.Equals(target.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The target a file name's extension implies, or null.</summary>
    public static DiskImageTarget? FromExtension(string path)
    {
        var extension = Path.GetExtension(path);
        return All.FirstOrDefault(target => target.Extensions.Contains(extension, StringComparer.OrdinalIgnoreCase));
    }
}

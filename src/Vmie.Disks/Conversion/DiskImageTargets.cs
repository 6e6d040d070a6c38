using Vmie.Disks.Abstractions;
using Vmie.Disks.Raw;
using Vmie.Disks.Vhd;
using Vmie.Disks.Vhdx;
using Vmie.Disks.Vmdk;

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
        new DiskImageTarget(
            "vhdx",
            "dynamic VHDX",
            [".vhdx"],
            (disk, output, progress, token) => DynamicVhdxWriter.WriteAsync(disk, output, new VhdxWriteOptions(), progress, token)),
        new DiskImageTarget(
            "vmdk",
            "stream-optimized VMDK, as VMware exports it and AWS imports it",
            [".vmdk"],
            (disk, output, progress, token) => StreamOptimizedVmdkWriter.WriteAsync(disk, output, new VmdkWriteOptions(), progress, token),
            (disk, path, progress, token) => WriteVmdkFileAsync(disk, path, progress, token)),
        new DiskImageTarget(
            "ova",
            "OVA: an OVF descriptor, the disk as a stream-optimized VMDK, and a SHA256 manifest",
            [".ova"],
            (disk, output, progress, token) => OvaConversion.WriteAsync(disk, output, "vm", Path.GetTempPath(), progress, token),
            OvaConversion.WriteFileAsync),
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

    /// <summary>A VMDK file's descriptor names its own file as the extent, as VMware writes it.</summary>
    private static Task WriteVmdkFileAsync(IVirtualDisk disk, string path, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        var options = new VmdkWriteOptions { ExtentFileName = Path.GetFileName(path) };
        return CompletedFileOutput.WriteAsync(path, (output, token) => StreamOptimizedVmdkWriter.WriteAsync(disk, output, options, progress, token), cancellationToken);
    }
}

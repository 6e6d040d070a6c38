using Vmie.Disks.Abstractions;
using Vmie.Disks.Ova;
using Vmie.Disks.Vmdk;

namespace Vmie.Disks.Conversion;

/// <summary>
/// A bare disk as a one-disk OVA. The tar header of the VMDK member must state its size before its bytes, so
/// the streamOptimized VMDK is first spooled to a local file (its compressed size, not the disk's), then the
/// OVA streams out: descriptor, VMDK, manifest.
/// </summary>
internal static class OvaConversion
{
    // A disk alone says nothing of the machine around it: a small 64-bit VM of unknown OS, booting from BIOS.
    private const int OtherOperatingSystem64Bit = 102;
    private const string VmwareOtherGuest64 = "otherGuest64";

    public static async Task WriteAsync(IVirtualDisk disk, Stream output, string vmName, string spoolDirectory, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        long populated = 0;
        await foreach (var extent in disk.GetAllocatedExtentsAsync(cancellationToken).ConfigureAwait(false))
        {
            populated += extent.Length;
        }

        var spool = Path.Combine(spoolDirectory, $".vmie-spool-{Guid.NewGuid():N}.vmdk");
        try
        {
            await using (var file = new FileStream(spool, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20, FileOptions.Asynchronous))
            {
                var options = new VmdkWriteOptions { ExtentFileName = OvaWriter.DiskFileName(vmName, 0) };
                await StreamOptimizedVmdkWriter.WriteAsync(disk, file, options, progress, cancellationToken).ConfigureAwait(false);
            }

            var description = new OvaExportDescription(vmName, OtherOperatingSystem64Bit, VmwareOtherGuest64, CpuCount: 1, MemoryMiB: 1024, OvaFirmware.Bios, [new OvaExportDisk(spool, disk.Capacity, populated)]);
            await OvaWriter.WriteAsync(output, description, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            File.Delete(spool);
        }
    }

    /// <summary>Writes the OVA at <paramref name="path"/>, spooling beside it and naming the VM after the file.</summary>
    public static Task WriteFileAsync(IVirtualDisk disk, string path, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var vmName = Path.GetFileNameWithoutExtension(path);
        return CompletedFileOutput.WriteAsync(path, (output, token) => WriteAsync(disk, output, vmName, directory, progress, token), cancellationToken);
    }
}

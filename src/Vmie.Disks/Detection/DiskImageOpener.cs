using Vmie.Disks.Abstractions;
using Vmie.Disks.Ova;
using Vmie.Disks.Raw;
using Vmie.Disks.Vhd;
using Vmie.Disks.Vhdx;
using Vmie.Disks.Vmdk;

namespace Vmie.Disks.Detection;

/// <summary>Opens any disk image by its content: the one place that maps a detected format to its reader.</summary>
public static class DiskImageOpener
{
    /// <summary>
    /// Detects the format of <paramref name="source"/> and opens it. The opened image owns the source.
    /// Formats vmie cannot read fail with <see cref="UnsupportedDiskImageException"/> naming the format.
    /// </summary>
    /// <param name="resolveExtent">Opens a file a VMDK descriptor names (a bare file name, already checked to
    /// stay beside the descriptor); null when the image stands alone.</param>
    public static async Task<OpenedDiskImage> OpenAsync(IBlockSource source, Func<string, IBlockSource>? resolveExtent = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        var format = await DiskFormatSniffer.DetectAsync(source, cancellationToken).ConfigureAwait(false);
        return format switch
        {
            DiskFormat.Raw => new OpenedDiskImage(format, "raw", new RawDisk(source)),
            DiskFormat.Vhdx => await OpenVhdxAsync(source, cancellationToken).ConfigureAwait(false),
            DiskFormat.Vhd => await OpenVhdAsync(source, cancellationToken).ConfigureAwait(false),
            DiskFormat.Vmdk or DiskFormat.VmdkDescriptor => await OpenVmdkAsync(source, resolveExtent, cancellationToken).ConfigureAwait(false),
            DiskFormat.Ova => await OpenOvaAsync(source, cancellationToken).ConfigureAwait(false),
            _ => throw new UnsupportedDiskImageException($"Reading {DiskFormatSniffer.Name(format)} images is not supported by this version of vmie."),
        };
    }

    /// <summary>An OVA opens as its first (boot) disk; <see cref="OpenedDiskImage.Package"/> holds the others.</summary>
    private static async Task<OpenedDiskImage> OpenOvaAsync(IBlockSource source, CancellationToken cancellationToken)
    {
        var package = await OvaPackage.OpenAsync(source, ownsSource: true, cancellationToken).ConfigureAwait(false);
        try
        {
            return await package.OpenBootDiskAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await package.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static async Task<OpenedDiskImage> OpenVhdxAsync(IBlockSource source, CancellationToken cancellationToken)
    {
        var disk = await VhdxDisk.OpenAsync(source, ownsSource: true, cancellationToken).ConfigureAwait(false);
        return new OpenedDiskImage(DiskFormat.Vhdx, disk.Subformat, disk);
    }

    private static async Task<OpenedDiskImage> OpenVhdAsync(IBlockSource source, CancellationToken cancellationToken)
    {
        var disk = await VhdDisk.OpenAsync(source, ownsSource: true, cancellationToken).ConfigureAwait(false);
        var warnings = new List<string>();
        if (disk.Capacity != (long)disk.Footer.CurrentSize)
        {
            // Field notes §5: "vpc " and "qemu" creators size the disk by its CHS geometry, as qemu and Virtual PC do.
            warnings.Add($"The VHD was made by \"{disk.Footer.CreatorApplicationText.Trim()}\", whose disks are sized by their CHS geometry: {disk.Capacity} bytes, where the footer's current size says {disk.Footer.CurrentSize}. Hyper-V and Azure would see {disk.Footer.CurrentSize} bytes.");
        }

        if (disk.Capacity % (1 << 20) != 0)
        {
            warnings.Add($"The virtual size ({disk.Capacity} bytes) is not a whole number of MiB: Azure refuses such VHDs.");
        }

        return new OpenedDiskImage(DiskFormat.Vhd, disk.Subformat, disk) { Warnings = warnings };
    }

    private static async Task<OpenedDiskImage> OpenVmdkAsync(IBlockSource source, Func<string, IBlockSource>? resolveExtent, CancellationToken cancellationToken)
    {
        var disk = await VmdkDisk.OpenAsync(source, resolveExtent, ownsSource: true, cancellationToken).ConfigureAwait(false);
        IReadOnlyList<string> warnings = disk.IsStreamOptimized
            ? []
            : [$"AWS imports only stream-optimized VMDKs; this one is {disk.CreateType} (an import would end with \"ClientError: Disk validation failed [Unsupported VMDK File Format]\"). `vmie convert IMAGE OUT.vmdk` writes a stream-optimized copy."];
        return new OpenedDiskImage(DiskFormat.Vmdk, disk.CreateType, disk) { Warnings = warnings };
    }
}

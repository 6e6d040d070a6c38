using Vmie.Disks.Abstractions;
using Vmie.Disks.Writing;

namespace Vmie.Disks.Vhd;

/// <summary>
/// Writes a fixed VHD (VHD specification, "Fixed Hard Disk Image") in one sequential pass: the disk's bytes,
/// then the footer. Output length = virtual size + 512. Holes of the source are written as zeros without
/// being read.
/// </summary>
public static class FixedVhdWriter
{
    private const int ChunkSize = 1 << 20;

    /// <summary>Writes <paramref name="disk"/> to <paramref name="output"/>; returns the bytes written.</summary>
    public static async Task<long> WriteAsync(IVirtualDisk disk, Stream output, VhdWriteOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(disk);
        ArgumentNullException.ThrowIfNull(output);
        options ??= new VhdWriteOptions();
        var size = VhdWriting.CurrentSizeFor(disk.Capacity);
        var footer = options.CreateFooter(size, VhdDiskType.Fixed, VhdFooter.NoDataOffset);

        var buffer = new byte[ChunkSize];
        long position = 0;
        await foreach (var extent in disk.GetAllocatedExtentsAsync(cancellationToken).ConfigureAwait(false))
        {
            await SequentialOutput.WriteZerosAsync(output, extent.Offset - position, cancellationToken).ConfigureAwait(false);
            await SequentialOutput.CopyAsync(disk, extent.Offset, extent.Length, output, buffer, cancellationToken).ConfigureAwait(false);
            position = extent.End;
        }

        await SequentialOutput.WriteZerosAsync(output, size - position, cancellationToken).ConfigureAwait(false);

        var footerBytes = new byte[VhdFooter.Size];
        footer.WriteTo(footerBytes);
        await output.WriteAsync(footerBytes, cancellationToken).ConfigureAwait(false);
        return size + VhdFooter.Size;
    }
}

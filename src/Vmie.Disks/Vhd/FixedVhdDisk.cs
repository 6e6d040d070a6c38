using System.Runtime.CompilerServices;
using Vmie.Disks.Abstractions;

namespace Vmie.Disks.Vhd;

/// <summary>
/// A fixed VHD (VHD specification, "Fixed Hard Disk Image"): the disk's bytes, then the footer.
/// As with raw images the format says nothing about allocation, so the map is the source's own.
/// </summary>
public sealed class FixedVhdDisk : VhdDisk
{
    private FixedVhdDisk(IBlockSource source, VhdFooter footer, bool ownsSource)
        : base(source, footer, ownsSource)
    {
    }

    public override string Subformat => "fixed";

    internal static FixedVhdDisk Open(IBlockSource source, VhdFooter footer, bool ownsSource)
    {
        var dataLength = source.Length - VhdFooter.Size;
        if (footer.VirtualSize > dataLength)
        {
            throw new InvalidDiskImageException($"The fixed VHD declares {footer.VirtualSize} bytes of disk but holds only {dataLength}: the file is truncated.");
        }

        return new FixedVhdDisk(source, footer, ownsSource);
    }

    public override async IAsyncEnumerable<DiskExtent> GetAllocatedExtentsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.CompletedTask.ConfigureAwait(false);
        if (Capacity == 0)
        {
            yield break;
        }

        if (Source is not ISparseBlockSource sparse)
        {
            yield return new DiskExtent(0, Capacity);
            yield break;
        }

        // Holes of a sparse file are zeros of the disk; the footer beyond the capacity is not disk data.
        foreach (var extent in sparse.GetDataExtents())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (extent.Offset >= Capacity)
            {
                yield break;
            }

            yield return new DiskExtent(extent.Offset, Math.Min(extent.End, Capacity) - extent.Offset);
        }
    }

    public override async ValueTask<int> ReadAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        if (offset >= Capacity)
        {
            return 0;
        }

        var wanted = (int)Math.Min(buffer.Length, Capacity - offset);
        await ReadExactlyAsync(Source, offset, buffer[..wanted], "disk data", cancellationToken).ConfigureAwait(false);
        return wanted;
    }
}

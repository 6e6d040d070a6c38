namespace Vmie.Disks.Abstractions;

/// <summary>
/// A disk as the guest sees it: a capacity, the extents that may hold data, and random reads.
/// Conversions copy only the allocated extents; bytes outside them are zeros.
/// </summary>
public interface IVirtualDisk : IAsyncDisposable
{
    /// <summary>Virtual size in bytes.</summary>
    long Capacity { get; }

    /// <summary>
    /// The extents that may hold non-zero data, in ascending order and not overlapping.
    /// An extent may still contain zeros; a byte outside every extent is always zero.
    /// </summary>
    IAsyncEnumerable<DiskExtent> GetAllocatedExtentsAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Reads <paramref name="buffer"/>.Length bytes at <paramref name="offset"/>, filling zeros where
    /// nothing is allocated. Returns fewer bytes only at the end of the disk.
    /// </summary>
    ValueTask<int> ReadAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken = default);
}

using Vmie.Disks.Abstractions;

namespace Vmie.Disks.Sources;

/// <summary>
/// A virtual disk (a snapshot, an opened image) seen as a block source: its guest-visible bytes, with its
/// allocated extents as the data extents, so a parser over block sources (the guest inspector, the raw
/// reader) can read a disk and skip its holes. Reads are the disk's reads, so as thread-safe as the disk.
/// </summary>
public sealed class VirtualDiskBlockSource(IVirtualDisk disk, bool ownsDisk = true) : ISparseBlockSource
{
    private readonly IVirtualDisk _disk = disk ?? throw new ArgumentNullException(nameof(disk));

    public long Length => _disk.Capacity;

    public ValueTask<int> ReadAtAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        return offset >= Length ? ValueTask.FromResult(0) : _disk.ReadAsync(offset, buffer, cancellationToken);
    }

    /// <summary>
    /// The disk's allocated extents. The interface is synchronous while disks enumerate asynchronously, so
    /// this blocks on each step: call it off latency-sensitive threads (disks enumerate from in-memory tables).
    /// </summary>
    public IEnumerable<DiskExtent> GetDataExtents() => _disk.GetAllocatedExtentsAsync().ToBlockingEnumerable();

    public ValueTask DisposeAsync() => ownsDisk ? _disk.DisposeAsync() : ValueTask.CompletedTask;
}

using Vmie.Disks.Abstractions;

namespace Vmie.Disks.Detection;

/// <summary>A disk image opened for reading: what it is, and the disk it holds.</summary>
/// <param name="Subformat">The variant within the format (fixed, dynamic, streamOptimized...), as `vmie info` shows it.</param>
public sealed record OpenedDiskImage(DiskFormat Format, string Subformat, IVirtualDisk Disk) : IAsyncDisposable
{
    public ValueTask DisposeAsync() => Disk.DisposeAsync();
}

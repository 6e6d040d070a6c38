using Vmie.Disks.Abstractions;
using Vmie.Disks.Ova;

namespace Vmie.Disks.Detection;

/// <summary>A disk image opened for reading: what it is, and the disk it holds.</summary>
/// <param name="Subformat">The variant within the format (fixed, dynamic, streamOptimized...), as `vmie info` shows it.
/// For an OVA, the format and subformat of its first disk (e.g. "VMDK streamOptimized").</param>
/// <param name="Disk">The disk; for an OVA, its first (boot) disk.</param>
public sealed record OpenedDiskImage(DiskFormat Format, string Subformat, IVirtualDisk Disk) : IAsyncDisposable
{
    /// <summary>Tolerated oddities found while opening (an OVA's descriptor not first, a declared capacity larger than the image...).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>For an OVA: the package, with every disk in order (<see cref="OvaPackage.Disks"/>) and the manifest check.
    /// Disposed with this image.</summary>
    public OvaPackage? Package { get; init; }

    public async ValueTask DisposeAsync()
    {
        await Disk.DisposeAsync().ConfigureAwait(false);
        if (Package is not null)
        {
            await Package.DisposeAsync().ConfigureAwait(false);
        }
    }
}

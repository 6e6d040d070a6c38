using Vmie.Disks.Abstractions;
using Vmie.Guest.Volumes.Partitions;
using Vmie.Guest.Volumes.Probing;

namespace Vmie.Guest.Volumes;

/// <summary>
/// One volume of the guest: a partition, a whole disk without a partition table, or an LVM logical volume.
/// <see cref="Source"/> reads its bytes; it is owned by the disks it lies on, which the caller disposes.
/// </summary>
public sealed record GuestVolume
{
    /// <summary>The index of the disk it lies on (for a logical volume: of its first physical volume).</summary>
    public required int DiskIndex { get; init; }

    /// <summary>The partition it is, or null for a whole disk or a logical volume.</summary>
    public Partition? Partition { get; init; }

    public string? VolumeGroup { get; init; }

    public string? LogicalVolume { get; init; }

    /// <summary>The device as a Linux guest names it: /dev/sda1, /dev/sdb, /dev/mapper/vg-lv.</summary>
    public required string DeviceName { get; init; }

    /// <summary>Other names of the same device (/dev/vg/lv for a logical volume).</summary>
    public IReadOnlyList<string> AlternateNames { get; init; } = [];

    public required IBlockSource Source { get; init; }

    public required VolumeContent Content { get; init; }

    public bool IsEncrypted => Content.IsEncrypted;

    public bool IsLogicalVolume => LogicalVolume is not null;
}

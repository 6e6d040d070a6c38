namespace Vmie.Disks.Vhd;

/// <summary>Choices for the VHD writers; the defaults suit Hyper-V, Azure and Xen.</summary>
public sealed record VhdWriteOptions
{
    /// <summary>The footer's creation time; now when null. Set it for byte-identical output across runs.</summary>
    public DateTimeOffset? Timestamp { get; init; }

    /// <summary>The footer's unique id; a new one when null.</summary>
    public Guid? UniqueId { get; init; }

    /// <summary>Data bytes per block of a dynamic disk: a power of two from 64 KiB to 256 MiB (2 MiB, as Hyper-V and qemu use).</summary>
    public uint BlockSize { get; init; } = VhdDynamicHeader.DefaultBlockSize;

    internal VhdFooter CreateFooter(long currentSize, VhdDiskType type, ulong dataOffset) => new()
    {
        DataOffset = dataOffset,
        Timestamp = VhdFooter.TimestampOf(Timestamp ?? DateTimeOffset.UtcNow),
        // "vmie" is read by its current_size (field notes §5), so a whole number of MiB stays exact.
        CreatorApplication = VhdFooter.CreatorFromText("vmie"),
        CreatorVersion = 0x00010000,
        CreatorHostOs = VhdFooter.CreatorFromText("Wi2k"),
        OriginalSize = (ulong)currentSize,
        CurrentSize = (ulong)currentSize,
        Geometry = VhdDiskGeometry.FromCapacity(currentSize),
        DiskType = type,
        UniqueId = UniqueId ?? Guid.NewGuid(),
        SavedState = false,
    };
}

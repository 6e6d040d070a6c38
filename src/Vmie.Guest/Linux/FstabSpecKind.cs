namespace Vmie.Guest.Linux;

/// <summary>How an fstab line names what it mounts.</summary>
public enum FstabSpecKind
{
    Uuid,
    Label,
    PartUuid,
    PartLabel,

    /// <summary>A /dev path: /dev/sda1, /dev/mapper/vg-root, /dev/disk/by-id/...</summary>
    DevicePath,

    /// <summary>Anything else: proc, tmpfs, none, server:/export, //server/share.</summary>
    Other,
}

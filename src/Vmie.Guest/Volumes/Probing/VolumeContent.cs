namespace Vmie.Guest.Volumes.Probing;

/// <summary>What a volume holds, told from its magic numbers by <see cref="VolumeContentProbe"/>.</summary>
public sealed record VolumeContent
{
    public static readonly VolumeContent Unknown = new() { Kind = VolumeContentKind.Unknown };

    public required VolumeContentKind Kind { get; init; }

    /// <summary>The label, when the format has one in its superblock.</summary>
    public string? Label { get; init; }

    /// <summary>The UUID as blkid and /etc/fstab's UUID= show it (FAT and NTFS: their serial number forms).</summary>
    public string? Uuid { get; init; }

    /// <summary>The type as Linux (blkid, fstab, mount -t) names it: ext4, xfs, vfat, ntfs, swap, crypto_LUKS, BitLocker, LVM2_member...</summary>
    public string TypeName => Kind switch
    {
        VolumeContentKind.Ext2 => "ext2",
        VolumeContentKind.Ext3 => "ext3",
        VolumeContentKind.Ext4 => "ext4",
        VolumeContentKind.Xfs => "xfs",
        VolumeContentKind.Btrfs => "btrfs",
        VolumeContentKind.Jfs => "jfs",
        VolumeContentKind.Ntfs => "ntfs",
        VolumeContentKind.Fat12 or VolumeContentKind.Fat16 or VolumeContentKind.Fat32 => "vfat",
        VolumeContentKind.ExFat => "exfat",
        VolumeContentKind.Iso9660 => "iso9660",
        VolumeContentKind.Swap => "swap",
        VolumeContentKind.LvmPhysicalVolume => "LVM2_member",
        VolumeContentKind.Luks1 or VolumeContentKind.Luks2 => "crypto_LUKS",
        VolumeContentKind.BitLocker => "BitLocker",
        _ => "unknown",
    };

    /// <summary>Guest-level encryption (LUKS, BitLocker): unsupported by VM Import (spec §5.1 point 3).</summary>
    public bool IsEncrypted => Kind is VolumeContentKind.Luks1 or VolumeContentKind.Luks2 or VolumeContentKind.BitLocker;

    /// <summary>A file system that could hold files (not swap, a PV, an encrypted container or unknown bytes).</summary>
    public bool IsFileSystem => Kind is not (VolumeContentKind.Unknown or VolumeContentKind.Swap or VolumeContentKind.LvmPhysicalVolume)
        && !IsEncrypted;
}

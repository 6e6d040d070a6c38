namespace Vmie.Guest.Volumes.Probing;

public enum VolumeContentKind
{
    Unknown,
    Ext2,
    Ext3,
    Ext4,
    Xfs,
    Btrfs,
    Jfs,
    Ntfs,
    Fat12,
    Fat16,
    Fat32,
    ExFat,
    Iso9660,
    Swap,
    LvmPhysicalVolume,
    Luks1,
    Luks2,
    BitLocker,
}

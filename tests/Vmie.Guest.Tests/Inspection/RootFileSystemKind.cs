namespace Vmie.Guest.Tests.Inspection;

/// <summary>The file system a test guest's root is made with.</summary>
internal enum RootFileSystemKind
{
    Ext4,
    Xfs,
    Btrfs,

    /// <summary>ext4 converted in place by btrfs-convert: a real Btrfs that carries the subvolume "ext2_saved".</summary>
    BtrfsWithSubvolume,
}

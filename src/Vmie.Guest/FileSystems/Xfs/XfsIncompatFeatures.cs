namespace Vmie.Guest.FileSystems.Xfs;

/// <summary>sb_features_incompat of a v5 superblock (XFS Algorithms and Data Structures, "Superblocks").</summary>
[Flags]
public enum XfsIncompatFeatures : uint
{
    None = 0,

    /// <summary>Directory entries carry the file type.</summary>
    FileType = 0x1,

    /// <summary>Sparse inode chunks: only where inodes are found matters to a reader.</summary>
    SparseInodes = 0x2,

    /// <summary>Metadata is stamped with sb_meta_uuid rather than sb_uuid (the UUID was changed after mkfs).</summary>
    MetaUuid = 0x4,

    /// <summary>Timestamps are 64-bit nanosecond counters.</summary>
    BigTime = 0x8,

    /// <summary>xfs_repair was interrupted: the kernel refuses to mount until it runs again.</summary>
    NeedsRepair = 0x10,

    /// <summary>Inodes may hold 64-bit extent counters.</summary>
    LargeExtentCounts = 0x20,

    Known = FileType | SparseInodes | MetaUuid | BigTime | NeedsRepair | LargeExtentCounts,
}

namespace Vmie.Guest.FileSystems.Ext;

// Feature flags of the ext2/3/4 superblock (ext4 disk layout, "The Super Block": s_feature_compat,
// s_feature_incompat, s_feature_ro_compat).

/// <summary>Features a reader may ignore.</summary>
[Flags]
public enum ExtCompatFeatures : uint
{
    None = 0,
    DirPrealloc = 0x1,
    ImagicInodes = 0x2,
    HasJournal = 0x4,
    ExtendedAttributes = 0x8,
    ResizeInode = 0x10,
    DirIndex = 0x20,
    LazyBlockGroups = 0x40,
    ExcludeInode = 0x80,
    ExcludeBitmap = 0x100,
    SparseSuper2 = 0x200,
    FastCommit = 0x400,
    StableInodes = 0x800,
    OrphanFile = 0x1000,
}

/// <summary>Features a reader must understand, or refuse the volume.</summary>
[Flags]
public enum ExtIncompatFeatures : uint
{
    None = 0,
    Compression = 0x1,
    FileType = 0x2,
    NeedsRecovery = 0x4,
    JournalDevice = 0x8,
    MetaBlockGroups = 0x10,
    Extents = 0x40,
    Bit64 = 0x80,
    MultiMountProtection = 0x100,
    FlexBlockGroups = 0x200,
    ExtendedAttributeInodes = 0x400,
    DirData = 0x1000,
    ChecksumSeed = 0x2000,
    LargeDirectories = 0x4000,
    InlineData = 0x8000,
    Encryption = 0x10000,
    CaseFolding = 0x20000,
}

/// <summary>Features that only matter to a writer.</summary>
[Flags]
public enum ExtRoCompatFeatures : uint
{
    None = 0,
    SparseSuper = 0x1,
    LargeFile = 0x2,
    BtreeDir = 0x4,
    HugeFile = 0x8,
    GroupDescriptorChecksums = 0x10,
    DirNlink = 0x20,
    ExtraInodeSize = 0x40,
    HasSnapshot = 0x80,
    Quota = 0x100,
    BigAlloc = 0x200,
    MetadataChecksums = 0x400,
    Replica = 0x800,
    ReadOnly = 0x1000,
    Project = 0x2000,
    SharedBlocks = 0x4000,
    Verity = 0x8000,
    OrphanPresent = 0x10000,
}

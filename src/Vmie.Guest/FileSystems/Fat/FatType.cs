namespace Vmie.Guest.FileSystems.Fat;

/// <summary>The width of a FAT entry, which decides how the allocation table is decoded.</summary>
public enum FatType
{
    Fat12,
    Fat16,
    Fat32,
}

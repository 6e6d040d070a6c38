namespace Vmie.Disks.Vmdk;

/// <summary>
/// One line of a descriptor's extent description ("Virtual Disk Format 5.0", "Extent Descriptions"):
/// access, size in sectors, type (FLAT, SPARSE, ZERO, VMFS, VMFSSPARSE, SESPARSE, VMFSRDM, VMFSRAW),
/// the extent file's name (none for ZERO) and, for flat extents, the offset in sectors inside that file.
/// </summary>
public sealed record VmdkExtentDescription(string Access, long SizeSectors, string Type, string? FileName, long OffsetSectors);

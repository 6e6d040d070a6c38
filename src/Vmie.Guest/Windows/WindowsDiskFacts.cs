using Vmie.Disks.Detection;
using Vmie.Guest.Volumes.Partitions;

namespace Vmie.Guest.Windows;

/// <summary>The facts about the imported disk that the Windows boot-mode rules of spec §4.3 look at, given by the caller.</summary>
/// <param name="Format">The image file format.</param>
/// <param name="VirtualSize">The disk's virtual (uncompressed) size in bytes.</param>
/// <param name="PartitionTable">The partition table kind of the boot disk.</param>
/// <param name="PrimaryPartitionCount">Primary partitions: MBR slots 1-4 in use, extended container included; every GPT entry.</param>
/// <param name="IsDynamicDisk">A Windows dynamic (LDM) disk.</param>
public sealed record WindowsDiskFacts(DiskFormat Format, long VirtualSize, PartitionTableKind PartitionTable, int PrimaryPartitionCount, bool IsDynamicDisk);

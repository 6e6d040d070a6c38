using Vmie.Guest.Volumes.Partitions;

namespace Vmie.Guest.Inspection;

/// <summary>One disk of the report: its image facts and partition table (null when unreadable).</summary>
public sealed record InspectedDisk(int Index, string Name, string FormatName, long VirtualSize, PartitionTable? PartitionTable);

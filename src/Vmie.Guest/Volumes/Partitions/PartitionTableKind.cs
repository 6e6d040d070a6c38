namespace Vmie.Guest.Volumes.Partitions;

public enum PartitionTableKind
{
    /// <summary>No partition table: the disk is one volume (or empty).</summary>
    None,
    Mbr,
    Gpt,
}

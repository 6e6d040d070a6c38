namespace Vmie.Guest.Volumes.Partitions;

/// <summary>
/// One partition, numbered as Linux numbers it: MBR primaries 1-4 (by slot), logical partitions from 5 in chain
/// order; GPT entries 1..n by slot (empty slots keep their number).
/// </summary>
public sealed record Partition
{
    public required int Number { get; init; }

    /// <summary>Start on the disk, in bytes.</summary>
    public required long Start { get; init; }

    /// <summary>Length in bytes.</summary>
    public required long Length { get; init; }

    /// <summary>The MBR partition type byte (MBR partitions only).</summary>
    public byte? MbrType { get; init; }

    /// <summary>The GPT partition type GUID (GPT partitions only).</summary>
    public Guid? TypeGuid { get; init; }

    /// <summary>The GPT unique partition GUID (PARTUUID), GPT only.</summary>
    public Guid? UniqueGuid { get; init; }

    /// <summary>A readable name of the type, e.g. "EFI system" or "Linux (0x83)".</summary>
    public required string TypeName { get; init; }

    /// <summary>The GPT partition name (PARTLABEL), empty for MBR.</summary>
    public string Name { get; init; } = "";

    /// <summary>MBR: the active (0x80) flag. GPT: the legacy BIOS bootable attribute (bit 2).</summary>
    public bool IsActive { get; init; }

    /// <summary>GPT attribute bits (0 for MBR).</summary>
    public ulong Attributes { get; init; }

    /// <summary>An MBR logical partition (number 5 and up).</summary>
    public bool IsLogical { get; init; }

    /// <summary>An MBR extended partition: a container of logical partitions, not a volume.</summary>
    public bool IsExtended { get; init; }

    /// <summary>An EFI system partition (GPT type or MBR type 0xEF).</summary>
    public bool IsEfiSystem => TypeGuid == PartitionTypes.EfiSystem || MbrType == 0xEF;

    /// <summary>A GRUB BIOS boot partition (GPT only).</summary>
    public bool IsBiosBoot => TypeGuid == PartitionTypes.BiosBoot;

    /// <summary>A Windows dynamic disk (LDM) partition: MBR type 0x42 or the GPT LDM metadata/data types.</summary>
    public bool IsDynamicDisk => MbrType == 0x42 || TypeGuid == PartitionTypes.LdmMetadata || TypeGuid == PartitionTypes.LdmData;
}

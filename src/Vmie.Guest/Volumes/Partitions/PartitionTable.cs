namespace Vmie.Guest.Volumes.Partitions;

/// <summary>The partition table of one disk, as <see cref="PartitionTableReader"/> found it.</summary>
public sealed record PartitionTable
{
    public required PartitionTableKind Kind { get; init; }

    /// <summary>The logical sector size the table is laid out in (512, or 4096 for a 4Kn GPT).</summary>
    public int SectorSize { get; init; } = 512;

    /// <summary>Every partition including MBR extended containers, by number.</summary>
    public required IReadOnlyList<Partition> Partitions { get; init; }

    /// <summary>Things a careful reader should know: the backup GPT was used, an extended chain loops, partitions overlap...</summary>
    public required IReadOnlyList<string> Warnings { get; init; }

    /// <summary>The MBR disk signature (bytes 440-443), when sector 0 has an MBR signature.</summary>
    public uint? DiskSignature { get; init; }

    /// <summary>Sector 0's bootstrap code area (bytes 0-439) is not all zeros: some BIOS boot loader is installed.</summary>
    public bool HasBootCode { get; init; }

    /// <summary>The GPT disk GUID.</summary>
    public Guid? DiskGuid { get; init; }

    public ProtectiveMbrKind ProtectiveMbr { get; init; } = ProtectiveMbrKind.NotApplicable;

    /// <summary>True when the GPT came from the backup header at the end of the disk because the primary was damaged.</summary>
    public bool UsedBackupGpt { get; init; }

    /// <summary>A Windows dynamic disk (LDM): unsupported by VM Import (spec §4.3, §4.4).</summary>
    public bool IsDynamicDisk => Partitions.Any(p => p.IsDynamicDisk);
}

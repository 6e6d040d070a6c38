using Vmie.Disks.Abstractions;

namespace Vmie.Guest.Volumes.Partitions;

/// <summary>
/// Reads an MBR's primary entries and the chain of extended boot records behind an extended entry: in each EBR
/// the first entry is a logical partition relative to that EBR, the second links to the next EBR relative to
/// the start of the extended partition. Chains that loop, leave the extended partition or grow past
/// <see cref="MaxLogicalPartitions"/> are cut off with a warning, as Linux cuts them off.
/// </summary>
internal static class MbrPartitionReader
{
    public const int MaxLogicalPartitions = 128;
    private const int SectorSize = 512;

    public static async ValueTask<PartitionTable> ReadAsync(IBlockSource disk, MbrSector mbr, CancellationToken cancellationToken)
    {
        var partitions = new List<Partition>();
        var warnings = new List<string>();
        var nextLogical = 5;
        for (var slot = 0; slot < 4; slot++)
        {
            var entry = mbr.Entries[slot];
            if (entry.IsEmpty)
            {
                continue;
            }

            var extended = PartitionTypes.IsMbrExtended(entry.Type);
            partitions.Add(new Partition
            {
                Number = slot + 1,
                Start = (long)entry.FirstLba * SectorSize,
                Length = (long)entry.SectorCount * SectorSize,
                MbrType = entry.Type,
                TypeName = PartitionTypes.NameOf(entry.Type),
                IsActive = entry.IsActive,
                IsExtended = extended,
            });
            if (extended)
            {
                nextLogical = await ReadLogicalChainAsync(disk, entry, nextLogical, partitions, warnings, cancellationToken).ConfigureAwait(false);
            }
        }

        PartitionChecks.WarnAboutBoundsAndOverlaps(disk.Length, partitions, warnings);
        return new PartitionTable
        {
            Kind = PartitionTableKind.Mbr,
            Partitions = partitions,
            Warnings = warnings,
            DiskSignature = mbr.DiskSignature,
            HasBootCode = mbr.HasBootCode,
        };
    }

    private static async ValueTask<int> ReadLogicalChainAsync(
        IBlockSource disk, MbrEntry extended, int number, List<Partition> partitions, List<string> warnings, CancellationToken cancellationToken)
    {
        var extendedStart = (long)extended.FirstLba;
        var extendedEnd = extendedStart + extended.SectorCount;
        var visited = new HashSet<long>();
        var ebrLba = extendedStart;
        while (true)
        {
            if (!visited.Add(ebrLba))
            {
                warnings.Add($"The extended partition's chain of boot records loops back to sector {ebrLba}; logical partitions after number {number - 1} are ignored.");
                return number;
            }

            if (number - 5 >= MaxLogicalPartitions)
            {
                warnings.Add($"The extended partition holds more than {MaxLogicalPartitions} logical partitions; the rest are ignored.");
                return number;
            }

            if ((ebrLba + 1) * SectorSize > disk.Length)
            {
                warnings.Add($"An extended boot record at sector {ebrLba} lies past the end of the disk; the chain stops there.");
                return number;
            }

            var sector = await BlockReads.ReadAsync(disk, ebrLba * SectorSize, SectorSize, cancellationToken).ConfigureAwait(false);
            var ebr = MbrSector.Parse(sector);
            if (!ebr.HasSignature)
            {
                // An extended partition whose first record is blank is merely empty; later ones are damage.
                if (ebrLba != extendedStart)
                {
                    warnings.Add($"The extended boot record at sector {ebrLba} has no 0x55AA signature; the chain stops there.");
                }

                return number;
            }

            var logical = ebr.Entries[0];
            if (!logical.IsEmpty)
            {
                partitions.Add(new Partition
                {
                    Number = number++,
                    Start = (ebrLba + logical.FirstLba) * SectorSize,
                    Length = (long)logical.SectorCount * SectorSize,
                    MbrType = logical.Type,
                    TypeName = PartitionTypes.NameOf(logical.Type),
                    IsActive = logical.IsActive,
                    IsLogical = true,
                });
            }

            var link = ebr.Entries[1];
            if (link.IsEmpty || !PartitionTypes.IsMbrExtended(link.Type))
            {
                return number;
            }

            var next = extendedStart + link.FirstLba;
            if (next >= extendedEnd)
            {
                warnings.Add($"An extended boot record links to sector {next}, outside the extended partition (sectors {extendedStart}-{extendedEnd - 1}); the chain stops there.");
                return number;
            }

            ebrLba = next;
        }
    }
}

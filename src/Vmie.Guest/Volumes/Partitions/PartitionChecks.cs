namespace Vmie.Guest.Volumes.Partitions;

/// <summary>Sanity checks common to MBR and GPT: partitions inside the disk, and no two sharing sectors.</summary>
internal static class PartitionChecks
{
    public static void WarnAboutBoundsAndOverlaps(long diskLength, IReadOnlyList<Partition> partitions, List<string> warnings)
    {
        foreach (var p in partitions)
        {
            if (p.Start + p.Length > diskLength)
            {
                warnings.Add($"Partition {p.Number} (bytes {p.Start}-{p.Start + p.Length - 1}) extends past the end of the disk ({diskLength} bytes).");
            }
        }

        var volumes = partitions.Where(p => !p.IsExtended && p.Length > 0).OrderBy(p => p.Start).ToList();
        for (var i = 1; i < volumes.Count; i++)
        {
            var previous = volumes[i - 1];
            if (volumes[i].Start < previous.Start + previous.Length)
            {
                warnings.Add($"Partitions {previous.Number} and {volumes[i].Number} overlap.");
            }
        }

        foreach (var logical in partitions.Where(p => p.IsLogical))
        {
            var container = partitions.FirstOrDefault(p => p.IsExtended && logical.Start >= p.Start && logical.Start < p.Start + p.Length);
            if (container is null || logical.Start + logical.Length > container.Start + container.Length)
            {
                warnings.Add($"Logical partition {logical.Number} lies outside its extended partition.");
            }
        }
    }
}

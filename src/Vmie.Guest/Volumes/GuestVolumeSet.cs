using Vmie.Guest.Volumes.Partitions;

namespace Vmie.Guest.Volumes;

/// <summary>What <see cref="GuestVolumes.DiscoverAsync"/> found on a guest's disks.</summary>
public sealed record GuestVolumeSet(
    IReadOnlyList<PartitionTable?> PartitionTables,
    IReadOnlyList<GuestVolume> Volumes,
    IReadOnlyList<VolumeProblem> Problems);

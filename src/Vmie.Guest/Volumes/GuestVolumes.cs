using Vmie.Disks.Abstractions;
using Vmie.Disks.Sources;
using Vmie.Guest.Volumes.Lvm;
using Vmie.Guest.Volumes.Partitions;
using Vmie.Guest.Volumes.Probing;

namespace Vmie.Guest.Volumes;

/// <summary>
/// Finds every volume of a guest: partitions (MBR, GPT), whole disks without a partition table that hold
/// something recognisable, and LVM logical volumes assembled across all the disks; with the problems VM Import
/// cares about (dynamic disks, encrypted volumes, LVM that cannot be activated, unreadable tables) as data.
/// </summary>
public static class GuestVolumes
{
    public static async ValueTask<GuestVolumeSet> DiscoverAsync(IReadOnlyList<IBlockSource> disks, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(disks);
        var tables = new List<PartitionTable?>();
        var volumes = new List<GuestVolume>();
        var problems = new List<VolumeProblem>();
        for (var index = 0; index < disks.Count; index++)
        {
            var disk = disks[index];
            var diskName = LinuxDeviceNames.Disk(index);
            PartitionTable table;
            try
            {
                table = await PartitionTableReader.ReadAsync(disk, cancellationToken).ConfigureAwait(false);
            }
            catch (CorruptVolumeException e)
            {
                tables.Add(null);
                problems.Add(new VolumeProblem(VolumeProblemKind.CorruptPartitionTable, diskName, e.Message));
                continue;
            }

            tables.Add(table);
            if (table.IsDynamicDisk)
            {
                problems.Add(new VolumeProblem(VolumeProblemKind.DynamicDisk, diskName, $"{diskName} is a Windows dynamic disk (LDM partitions); dynamic disks are not supported."));
            }

            if (table.Kind == PartitionTableKind.None)
            {
                var content = await VolumeContentProbe.ProbeAsync(disk, cancellationToken).ConfigureAwait(false);
                if (content.Kind != VolumeContentKind.Unknown)
                {
                    volumes.Add(new GuestVolume { DiskIndex = index, DeviceName = diskName, Source = disk, Content = content });
                }

                continue;
            }

            foreach (var partition in table.Partitions.Where(p => !p.IsExtended && p.Start < disk.Length && p.Length > 0))
            {
                // A partition that runs past the end of the disk (already warned about) is read up to the end.
                var slice = new SliceBlockSource(disk, partition.Start, Math.Min(partition.Length, disk.Length - partition.Start));
                var content = await VolumeContentProbe.ProbeAsync(slice, cancellationToken).ConfigureAwait(false);
                volumes.Add(new GuestVolume
                {
                    DiskIndex = index,
                    Partition = partition,
                    DeviceName = LinuxDeviceNames.Partition(index, partition.Number),
                    Source = slice,
                    Content = content,
                });
            }
        }

        var physicalVolumes = volumes.Where(v => v.Content.Kind == VolumeContentKind.LvmPhysicalVolume).ToList();
        if (physicalVolumes.Count > 0)
        {
            var (logicalVolumes, lvmProblems) = await LvmActivation.ActivateAsync(physicalVolumes, cancellationToken).ConfigureAwait(false);
            problems.AddRange(lvmProblems);
            foreach (var lv in logicalVolumes)
            {
                var content = await VolumeContentProbe.ProbeAsync(lv.Source, cancellationToken).ConfigureAwait(false);
                volumes.Add(new GuestVolume
                {
                    DiskIndex = lv.DiskIndex,
                    VolumeGroup = lv.VolumeGroup,
                    LogicalVolume = lv.LogicalVolume,
                    DeviceName = LinuxDeviceNames.Mapper(lv.VolumeGroup, lv.LogicalVolume),
                    AlternateNames = [LinuxDeviceNames.VolumeGroupLink(lv.VolumeGroup, lv.LogicalVolume)],
                    Source = lv.Source,
                    Content = content,
                });
            }
        }

        foreach (var encrypted in volumes.Where(v => v.IsEncrypted))
        {
            problems.Add(new VolumeProblem(VolumeProblemKind.EncryptedVolume, encrypted.DeviceName, $"{encrypted.DeviceName} is encrypted ({encrypted.Content.TypeName}); encrypted volumes are not supported."));
        }

        return new GuestVolumeSet(tables, volumes, problems);
    }
}

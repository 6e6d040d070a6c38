using Vmie.Disks.Abstractions;

namespace Vmie.Guest.Volumes.Lvm;

/// <summary>
/// Does what <c>vgchange -ay</c> does, in memory: reads the label and metadata of every physical volume, takes
/// each volume group's newest metadata (highest seqno), and maps each visible logical volume whose segments
/// are linear or striped over physical volumes that are present. Anything else is a
/// <see cref="VolumeProblemKind.LvmActivationFailed"/> problem.
/// </summary>
internal static class LvmActivation
{
    private const int SectorSize = 512;

    public static async ValueTask<(IReadOnlyList<ActivatedLogicalVolume> Volumes, IReadOnlyList<VolumeProblem> Problems)> ActivateAsync(
        IReadOnlyList<GuestVolume> physicalVolumes, CancellationToken cancellationToken)
    {
        var problems = new List<VolumeProblem>();
        var devices = new Dictionary<string, GuestVolume>(StringComparer.Ordinal);
        var groups = new Dictionary<string, VolumeGroupMetadata>(StringComparer.Ordinal);
        foreach (var pv in physicalVolumes)
        {
            try
            {
                var label = await PhysicalVolumeLabel.ReadAsync(pv.Source, cancellationToken).ConfigureAwait(false);
                if (label is null)
                {
                    continue;
                }

                var id = LvmIds.Normalize(label.Uuid);
                if (!devices.TryAdd(id, pv))
                {
                    problems.Add(new VolumeProblem(VolumeProblemKind.LvmActivationFailed, pv.DeviceName, $"Physical volume {label.Uuid} is also on {devices[id].DeviceName}: duplicate PV UUIDs."));
                    continue;
                }

                foreach (var (offset, size) in label.MetadataAreas)
                {
                    var text = await MetadataArea.ReadTextAsync(pv.Source, offset, size, cancellationToken).ConfigureAwait(false);
                    if (text is null)
                    {
                        continue;
                    }

                    var vg = VolumeGroupMetadata.FromText(text);
                    var key = vg.Id.Length > 0 ? vg.Id : vg.Name;
                    if (!groups.TryGetValue(key, out var known) || known.Seqno < vg.Seqno)
                    {
                        groups[key] = vg;
                    }
                }
            }
            catch (CorruptVolumeException e)
            {
                problems.Add(new VolumeProblem(VolumeProblemKind.LvmActivationFailed, pv.DeviceName, e.Message));
            }
        }

        var volumes = new List<ActivatedLogicalVolume>();
        foreach (var vg in groups.Values.OrderBy(g => g.Name, StringComparer.Ordinal))
        {
            foreach (var lv in vg.LogicalVolumes.Where(l => l.Visible))
            {
                var subject = $"{vg.Name}/{lv.Name}";
                (LogicalVolumeBlockSource? Source, int FirstDisk, string? Problem) result;
                try
                {
                    result = Map(vg, lv, devices);
                }
                catch (OverflowException)
                {
                    result = (null, 0, "its extent numbers overflow");
                }

                if (result.Problem is not null)
                {
                    problems.Add(new VolumeProblem(VolumeProblemKind.LvmActivationFailed, subject, $"Logical volume {subject} cannot be activated: {result.Problem}."));
                }
                else
                {
                    volumes.Add(new ActivatedLogicalVolume(vg.Name, lv.Name, result.FirstDisk, result.Source!));
                }
            }
        }

        return (volumes, problems);
    }

    // Sums and products are checked: extent numbers come from untrusted text.
    private static (LogicalVolumeBlockSource? Source, int FirstDisk, string? Problem) Map(VolumeGroupMetadata vg, LvmLogicalVolumeEntry lv, Dictionary<string, GuestVolume> devices)
    {
        if (lv.Problem is not null)
        {
            return (null, 0, lv.Problem);
        }

        var extentBytes = vg.ExtentSectors * SectorSize;
        var segments = new List<LogicalVolumeSegment>();
        var nextExtent = 0L;
        var firstDisk = -1;
        foreach (var segment in lv.Segments.OrderBy(s => s.StartExtent))
        {
            if (segment.Type is not ("striped" or "linear"))
            {
                return (null, 0, $"segment type \"{segment.Type}\" is not supported (only linear and striped)");
            }

            if (segment.StartExtent != nextExtent)
            {
                return (null, 0, $"its segments leave a gap or overlap at extent {nextExtent}");
            }

            var stripeCount = segment.Stripes.Count;
            if (stripeCount == 0 || segment.ExtentCount % stripeCount != 0)
            {
                return (null, 0, $"a segment of {segment.ExtentCount} extents cannot be split over {stripeCount} stripes");
            }

            var chunkBytes = segment.StripeSizeSectors * SectorSize;
            if (stripeCount > 1 && (chunkBytes <= 0 || chunkBytes > extentBytes || extentBytes % chunkBytes != 0))
            {
                return (null, 0, $"stripe size {segment.StripeSizeSectors} sectors does not divide the extent size");
            }

            var perStripe = segment.ExtentCount / stripeCount;
            var stripes = new List<(IBlockSource, long)>();
            foreach (var (pvName, startExtent) in segment.Stripes)
            {
                if (!vg.PhysicalVolumes.TryGetValue(pvName, out var pv))
                {
                    return (null, 0, $"it names physical volume {pvName}, which the volume group does not list");
                }

                if (!devices.TryGetValue(pv.Id, out var device))
                {
                    return (null, 0, $"physical volume {pvName} ({pv.Id}) is missing");
                }

                if (checked(startExtent + perStripe) > pv.PeCount)
                {
                    return (null, 0, $"extents {startExtent}-{startExtent + perStripe - 1} lie beyond the {pv.PeCount} extents of {pvName}");
                }

                var offset = checked((pv.PeStart * SectorSize) + (startExtent * extentBytes));
                if (checked(offset + (perStripe * extentBytes)) > device.Source.Length)
                {
                    return (null, 0, $"extents of {pvName} lie past the end of {device.DeviceName}");
                }

                firstDisk = firstDisk < 0 ? device.DiskIndex : firstDisk;
                stripes.Add((device.Source, offset));
            }

            segments.Add(new LogicalVolumeSegment(checked(nextExtent * extentBytes), checked(segment.ExtentCount * extentBytes), chunkBytes, stripes));
            nextExtent = checked(nextExtent + segment.ExtentCount);
        }

        return (new LogicalVolumeBlockSource(segments), firstDisk, null);
    }
}

internal sealed record ActivatedLogicalVolume(string VolumeGroup, string LogicalVolume, int DiskIndex, LogicalVolumeBlockSource Source);

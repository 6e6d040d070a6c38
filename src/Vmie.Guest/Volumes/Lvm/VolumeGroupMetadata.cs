namespace Vmie.Guest.Volumes.Lvm;

/// <summary>
/// A volume group as its metadata text describes it (LVM2 text format): <c>vgname { id, seqno, extent_size
/// (sectors), physical_volumes { pvN { id, pe_start, pe_count } }, logical_volumes { lv { id, status,
/// segmentN { start_extent, extent_count, type, stripe_count, stripe_size, stripes = ["pvN", extent, ...] } } } }</c>.
/// </summary>
internal sealed record VolumeGroupMetadata(
    string Name,
    string Id,
    long Seqno,
    long ExtentSectors,
    IReadOnlyDictionary<string, LvmPhysicalVolumeEntry> PhysicalVolumes,
    IReadOnlyList<LvmLogicalVolumeEntry> LogicalVolumes)
{
    public static VolumeGroupMetadata FromText(string text)
    {
        var root = LvmConfigParser.Parse(text);
        if (root.Sections.Count != 1)
        {
            throw new CorruptVolumeException($"The LVM2 metadata text describes {root.Sections.Count} volume groups instead of one.");
        }

        var (name, vg) = root.Sections[0];
        var extentSectors = vg.Integer("extent_size") ?? 0;
        if (extentSectors <= 0 || extentSectors > (1L << 32))
        {
            throw new CorruptVolumeException($"Volume group {name} has an invalid extent size ({extentSectors} sectors).");
        }

        var pvs = new Dictionary<string, LvmPhysicalVolumeEntry>(StringComparer.Ordinal);
        foreach (var (pvName, pv) in vg.Section("physical_volumes")?.Sections ?? [])
        {
            var id = pv.String("id") ?? throw new CorruptVolumeException($"Physical volume {pvName} of volume group {name} has no id.");
            var peStart = pv.Integer("pe_start") ?? -1;
            var peCount = pv.Integer("pe_count") ?? -1;
            if (peStart < 0 || peCount < 0 || peStart > (1L << 48) || peCount > (1L << 40))
            {
                throw new CorruptVolumeException($"Physical volume {pvName} of volume group {name} has invalid pe_start/pe_count.");
            }

            pvs[pvName] = new LvmPhysicalVolumeEntry(pvName, LvmIds.Normalize(id), peStart, peCount);
        }

        var lvs = new List<LvmLogicalVolumeEntry>();
        foreach (var (lvName, lv) in vg.Section("logical_volumes")?.Sections ?? [])
        {
            lvs.Add(LvmLogicalVolumeEntry.FromSection(lvName, lv));
        }

        return new VolumeGroupMetadata(name, LvmIds.Normalize(vg.String("id") ?? ""), vg.Integer("seqno") ?? 0, extentSectors, pvs, lvs);
    }
}

internal sealed record LvmPhysicalVolumeEntry(string Name, string Id, long PeStart, long PeCount);

internal sealed record LvmSegmentEntry(long StartExtent, long ExtentCount, string Type, long StripeSizeSectors, IReadOnlyList<(string Pv, long StartExtent)> Stripes);

/// <summary>A logical volume's entry; <see cref="Problem"/> says why its description cannot be used.</summary>
internal sealed record LvmLogicalVolumeEntry(string Name, bool Visible, IReadOnlyList<LvmSegmentEntry> Segments, string? Problem)
{
    public static LvmLogicalVolumeEntry FromSection(string name, LvmConfigSection lv)
    {
        var visible = lv.List("status")?.Contains("VISIBLE") ?? false;
        var segments = new List<LvmSegmentEntry>();
        foreach (var (segmentName, segment) in lv.Sections)
        {
            if (!segmentName.StartsWith("segment", StringComparison.Ordinal))
            {
                continue;
            }

            var type = segment.String("type") ?? "";
            var start = segment.Integer("start_extent") ?? -1;
            var count = segment.Integer("extent_count") ?? -1;
            if (start < 0 || count <= 0)
            {
                return new LvmLogicalVolumeEntry(name, visible, [], $"{segmentName} has an invalid start_extent/extent_count");
            }

            var stripes = new List<(string, long)>();
            var list = segment.List("stripes");
            if (list is not null)
            {
                if (list.Count % 2 != 0)
                {
                    return new LvmLogicalVolumeEntry(name, visible, [], $"{segmentName} has an odd stripes list");
                }

                for (var i = 0; i < list.Count; i += 2)
                {
                    if (list[i] is not string pv || list[i + 1] is not long extent || extent < 0)
                    {
                        return new LvmLogicalVolumeEntry(name, visible, [], $"{segmentName} has a malformed stripes list");
                    }

                    stripes.Add((pv, extent));
                }
            }

            segments.Add(new LvmSegmentEntry(start, count, type, segment.Integer("stripe_size") ?? 0, stripes));
        }

        return new LvmLogicalVolumeEntry(name, visible, segments, segments.Count == 0 ? "it has no segments" : null);
    }
}

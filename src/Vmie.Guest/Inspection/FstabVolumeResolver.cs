using System.Globalization;
using Vmie.Guest.Linux;
using Vmie.Guest.Volumes;
using Vmie.Guest.Volumes.Partitions;

namespace Vmie.Guest.Inspection;

/// <summary>
/// Finds the volume an fstab line names, as udev's /dev/disk/by-* links and the kernel's device names would:
/// UUID=, LABEL=, PARTUUID= (GPT unique GUID, or MBR "SSSSSSSS-NN"), PARTLABEL=, /dev/disk/by-*/ paths and device
/// names (/dev/sda1, and /dev/vda1, /dev/xvda1, /dev/hda1 for the same first disk, /dev/mapper/vg-lv, /dev/vg/lv).
/// </summary>
public static class FstabVolumeResolver
{
    public static GuestVolume? Resolve(FstabEntry entry, GuestVolumeSet volumes)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(volumes);
        return entry.SpecKind switch
        {
            FstabSpecKind.Uuid => ByUuid(entry.SpecValue, volumes),
            FstabSpecKind.Label => ByLabel(entry.SpecValue, volumes),
            FstabSpecKind.PartUuid => ByPartUuid(entry.SpecValue, volumes),
            FstabSpecKind.PartLabel => ByPartLabel(entry.SpecValue, volumes),
            FstabSpecKind.DevicePath => ByDevicePath(entry.SpecValue, volumes),
            _ => null,
        };
    }

    private static GuestVolume? ByUuid(string uuid, GuestVolumeSet volumes) =>
        volumes.Volumes.FirstOrDefault(volume => string.Equals(volume.Content.Uuid, uuid, StringComparison.OrdinalIgnoreCase));

    private static GuestVolume? ByLabel(string label, GuestVolumeSet volumes) =>
        volumes.Volumes.FirstOrDefault(volume => volume.Content.Label == label);

    private static GuestVolume? ByPartLabel(string name, GuestVolumeSet volumes) =>
        volumes.Volumes.FirstOrDefault(volume => volume.Partition is { } partition && partition.Name == name);

    private static GuestVolume? ByPartUuid(string value, GuestVolumeSet volumes)
    {
        if (Guid.TryParse(value, out var guid))
        {
            return volumes.Volumes.FirstOrDefault(volume => volume.Partition?.UniqueGuid == guid);
        }

        // MBR disks: the disk signature in hex, a dash, the partition number in hex (blkid's form).
        var dash = value.IndexOf('-', StringComparison.Ordinal);
        if (dash == 8
            && uint.TryParse(value.AsSpan(0, 8), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var signature)
            && int.TryParse(value.AsSpan(9), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var number))
        {
            return volumes.Volumes.FirstOrDefault(volume =>
                volume.Partition is { } partition
                && partition.Number == number
                && volume.DiskIndex < volumes.PartitionTables.Count
                && volumes.PartitionTables[volume.DiskIndex] is { Kind: PartitionTableKind.Mbr } table
                && table.DiskSignature == signature);
        }

        return null;
    }

    private static GuestVolume? ByDevicePath(string path, GuestVolumeSet volumes)
    {
        (string Prefix, Func<string, GuestVolumeSet, GuestVolume?> Resolve)[] links =
        [
            ("/dev/disk/by-uuid/", ByUuid),
            ("/dev/disk/by-label/", (value, set) => ByLabel(UnescapeUdev(value), set)),
            ("/dev/disk/by-partuuid/", ByPartUuid),
            ("/dev/disk/by-partlabel/", (value, set) => ByPartLabel(UnescapeUdev(value), set)),
        ];
        foreach (var (prefix, resolve) in links)
        {
            if (path.StartsWith(prefix, StringComparison.Ordinal))
            {
                return resolve(path[prefix.Length..], volumes);
            }
        }

        var name = CanonicalDeviceName(path);
        return volumes.Volumes.FirstOrDefault(volume => volume.DeviceName == name || volume.AlternateNames.Contains(name, StringComparer.Ordinal));
    }

    /// <summary>/dev/vda1, /dev/xvda1 and /dev/hda1 are the first disk's first partition under other drivers: /dev/sda1 here.</summary>
    public static string CanonicalDeviceName(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        foreach (var prefix in new[] { "/dev/xvd", "/dev/vd", "/dev/hd" })
        {
            if (path.StartsWith(prefix, StringComparison.Ordinal) && path.Length > prefix.Length && char.IsAsciiLetterLower(path[prefix.Length]))
            {
                return "/dev/sd" + path[prefix.Length..];
            }
        }

        return path;
    }

    /// <summary>udev escapes blanks and slashes in by-label names as \x20, \x2f.</summary>
    private static string UnescapeUdev(string value)
    {
        if (!value.Contains("\\x", StringComparison.Ordinal))
        {
            return value;
        }

        var result = new System.Text.StringBuilder(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '\\' && i + 3 < value.Length && value[i + 1] == 'x'
                && byte.TryParse(value.AsSpan(i + 2, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var code))
            {
                result.Append((char)code);
                i += 3;
            }
            else
            {
                result.Append(value[i]);
            }
        }

        return result.ToString();
    }
}

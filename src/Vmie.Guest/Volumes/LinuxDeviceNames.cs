namespace Vmie.Guest.Volumes;

/// <summary>Device names as a Linux guest with SCSI/SATA disks sees them: sda..sdz, sdaa...; device-mapper names of logical volumes.</summary>
public static class LinuxDeviceNames
{
    public static string Disk(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        var letters = "";
        var n = index + 1;
        while (n > 0)
        {
            n--;
            letters = (char)('a' + (n % 26)) + letters;
            n /= 26;
        }

        return "/dev/sd" + letters;
    }

    public static string Partition(int diskIndex, int number) => Disk(diskIndex) + number.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>/dev/mapper/VG-LV, with dashes inside either name doubled as device-mapper does.</summary>
    public static string Mapper(string volumeGroup, string logicalVolume) =>
        $"/dev/mapper/{volumeGroup.Replace("-", "--", StringComparison.Ordinal)}-{logicalVolume.Replace("-", "--", StringComparison.Ordinal)}";

    public static string VolumeGroupLink(string volumeGroup, string logicalVolume) => $"/dev/{volumeGroup}/{logicalVolume}";
}

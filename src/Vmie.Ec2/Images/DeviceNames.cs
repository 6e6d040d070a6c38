using System.Text.RegularExpressions;

namespace Vmie.Ec2.Images;

/// <summary>
/// Block device names as EC2 accepts them in block device mappings of HVM AMIs: /dev/sda1, /dev/sdb ... /dev/sdp,
/// /dev/xvdb ... (with or without /dev/), and the device names ImportImage gives its disks.
/// </summary>
public static partial class DeviceNames
{
    /// <summary>The root device of every AMI ImportImage makes.</summary>
    public const string ImportRoot = "/dev/sda1";

    public static bool IsValid(string? name) => name is not null && DevicePattern().IsMatch(name);

    /// <summary>The device ImportImage gives its disk number <paramref name="index"/> (0 is the root): /dev/sda1, /dev/sdb, /dev/sdc...</summary>
    public static string ForImportedDisk(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(index, 25);
        return index == 0 ? ImportRoot : "/dev/sd" + (char)('a' + index);
    }

    [GeneratedRegex(@"^(/dev/)?(sd[a-z]|xvd[a-z]{1,2}|hd[a-z])([1-9]|1[0-5])?$", RegexOptions.CultureInvariant)]
    private static partial Regex DevicePattern();
}

using Vmie.Ec2.Errors;

namespace Vmie.Ec2.Volumes;

/// <summary>
/// The Availability Zones of a region: the region's name and a letter from a to f (us-east-1a ... us-east-1f).
/// vmie keeps no zones of its own; this is the shape EC2's zone names have.
/// </summary>
public static class AvailabilityZones
{
    public const char FirstLetter = 'a';
    public const char LastLetter = 'f';

    public static bool IsInRegion(string zone, string region) =>
        zone.Length == region.Length + 1
        && zone.StartsWith(region, StringComparison.Ordinal)
        && zone[^1] is >= FirstLetter and <= LastLetter;

    /// <summary>Returns <paramref name="zone"/> when it is a zone of <paramref name="region"/>, else throws EC2's error.</summary>
    public static string Require(string? zone, string region)
    {
        if (string.IsNullOrEmpty(zone))
        {
            throw Ec2Errors.MissingParameter("AvailabilityZone");
        }

        return IsInRegion(zone, region)
            ? zone
            : throw Ec2Errors.InvalidParameterValue($"Invalid availability zone: [{zone}]");
    }
}

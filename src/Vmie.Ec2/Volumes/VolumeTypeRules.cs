using Vmie.Ec2.Errors;

namespace Vmie.Ec2.Volumes;

/// <summary>
/// EBS volume types and their limits (sizes in GiB, IOPS, throughput in MiB/s) with EC2's defaults: gp3 at 3,000
/// IOPS and 125 MiB/s, gp2 at 3 IOPS per GiB between 100 and 16,000, io1/io2 requiring their IOPS. Limits are the
/// long-standing EBS ones; the wording of the errors is EC2's.
/// </summary>
public static class VolumeTypeRules
{
    public const string Gp2 = "gp2";
    public const string Gp3 = "gp3";
    public const string Io1 = "io1";
    public const string Io2 = "io2";
    public const string St1 = "st1";
    public const string Sc1 = "sc1";
    public const string Standard = "standard";

    private sealed record Limits(int MinSize, int MaxSize, int MinIops = 0, int MaxIops = 0, int IopsPerGiB = 0, bool IopsRequired = false, bool IopsSettable = false, bool ThroughputSettable = false);

    private static readonly Dictionary<string, Limits> Types = new(StringComparer.Ordinal)
    {
        [Gp2] = new(1, 16384),
        [Gp3] = new(1, 16384, 3000, 16000, 500, IopsSettable: true, ThroughputSettable: true),
        [Io1] = new(4, 16384, 100, 64000, 50, IopsRequired: true, IopsSettable: true),
        [Io2] = new(4, 65536, 100, 256000, 1000, IopsRequired: true, IopsSettable: true),
        [St1] = new(125, 16384),
        [Sc1] = new(125, 16384),
        [Standard] = new(1, 1024),
    };

    private const int Gp2IopsPerGiB = 3;
    private const int Gp2MinIops = 100;
    private const int Gp2MaxIops = 16000;
    private const int Gp3DefaultThroughput = 125;
    private const int Gp3MaxThroughput = 1000;

    // gp3 allows 0.25 MiB/s of throughput per provisioned IOPS.
    private const int Gp3IopsPerMiBps = 4;

    public static IReadOnlyCollection<string> Names => Types.Keys;

    /// <summary>Multi-Attach exists for Provisioned IOPS volumes only.</summary>
    public static bool SupportsMultiAttach(string volumeType) => volumeType is Io1 or Io2;

    /// <summary>
    /// Checks <paramref name="size"/>, <paramref name="iops"/> and <paramref name="throughput"/> against the limits of
    /// <paramref name="volumeType"/> (any letter case; null for <paramref name="defaultType"/>) and fills in the defaults.
    /// </summary>
    public static VolumeConfiguration Resolve(string? volumeType, int size, int? iops, int? throughput, string defaultType)
    {
        var type = string.IsNullOrEmpty(volumeType) ? defaultType : volumeType.ToLowerInvariant();
        if (!Types.TryGetValue(type, out var limits))
        {
            throw Ec2Errors.InvalidValue("VolumeType", volumeType, $"Expecting one of: {string.Join(", ", Types.Keys)}.");
        }

        if (size < limits.MinSize)
        {
            throw Ec2Errors.InvalidParameterValue($"Volume of {size}GiB is too small; minimum is {limits.MinSize}GiB.");
        }

        if (size > limits.MaxSize)
        {
            throw Ec2Errors.InvalidParameterValue($"Volume of {size}GiB is too large; maximum is {limits.MaxSize}GiB.");
        }

        if (iops is not null && !limits.IopsSettable)
        {
            throw Ec2Errors.InvalidParameterCombination($"The parameter iops is not supported for {type} volumes.");
        }

        if (throughput is not null && !limits.ThroughputSettable)
        {
            throw Ec2Errors.InvalidParameterCombination($"The parameter throughput is not supported for {type} volumes.");
        }

        if (iops is null && limits.IopsRequired)
        {
            throw Ec2Errors.MissingParameter("iops");
        }

        int? resolvedIops = type switch
        {
            Gp2 => Math.Clamp(size * Gp2IopsPerGiB, Gp2MinIops, Gp2MaxIops),
            Gp3 => iops ?? limits.MinIops,
            Io1 or Io2 => iops,
            _ => null,
        };

        if (iops is { } asked)
        {
            if (asked < limits.MinIops)
            {
                throw Ec2Errors.InvalidParameterValue($"Volume iops of {asked} is too low; minimum is {limits.MinIops}.");
            }

            if (asked > limits.MaxIops)
            {
                throw Ec2Errors.InvalidParameterValue($"Volume iops of {asked} is too high; maximum is {limits.MaxIops}.");
            }

            // gp3's 3,000 baseline is free at any size; only IOPS above it are bound to the size.
            if (asked > limits.MinIops || type != Gp3)
            {
                var ratio = (double)asked / size;
                if (ratio > limits.IopsPerGiB)
                {
                    throw Ec2Errors.InvalidParameterValue($"Iops to volume size ratio of {ratio:0.######} is too high; maximum is {limits.IopsPerGiB}.");
                }
            }
        }

        int? resolvedThroughput = null;
        if (type == Gp3)
        {
            resolvedThroughput = throughput ?? Gp3DefaultThroughput;
            if (resolvedThroughput < Gp3DefaultThroughput)
            {
                throw Ec2Errors.InvalidParameterValue($"Volume throughput of {resolvedThroughput} is too low; minimum is {Gp3DefaultThroughput}.");
            }

            if (resolvedThroughput > Gp3MaxThroughput)
            {
                throw Ec2Errors.InvalidParameterValue($"Volume throughput of {resolvedThroughput} is too high; maximum is {Gp3MaxThroughput}.");
            }

            if (resolvedThroughput > Gp3DefaultThroughput && resolvedThroughput * Gp3IopsPerMiBps > resolvedIops)
            {
                throw Ec2Errors.InvalidParameterValue(
                    $"Throughput to iops ratio of {(double)resolvedThroughput / resolvedIops!.Value:0.######} is too high; maximum is {1.0 / Gp3IopsPerMiBps:0.##}.");
            }
        }

        return new VolumeConfiguration(type, size, resolvedIops, resolvedThroughput);
    }
}

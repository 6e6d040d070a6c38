namespace Vmie.Ec2.Volumes;

/// <summary>A volume type with its size and performance, checked against the type's limits and with EC2's defaults filled in.</summary>
/// <param name="Size">GiB.</param>
/// <param name="Iops">What EC2 reports: set for gp2 (from the size), gp3, io1 and io2; null for st1, sc1 and standard.</param>
/// <param name="Throughput">MiB/s, gp3 only.</param>
public sealed record VolumeConfiguration(string VolumeType, int Size, int? Iops, int? Throughput);

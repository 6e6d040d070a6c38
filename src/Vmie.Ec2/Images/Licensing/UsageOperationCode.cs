namespace Vmie.Ec2.Images.Licensing;

/// <summary>One row of the usage operation table (spec §8.3): a billing code and what an AMI with it is.</summary>
/// <param name="Code">RunInstances[:nnnn] exactly as written in the table.</param>
/// <param name="Family">The operating system the code bills.</param>
/// <param name="OperatingSystemLicense">Whether the OS license is included (<see cref="LicenseTypes.Aws"/>) or brought (<see cref="LicenseTypes.Byol"/>).</param>
/// <param name="PlatformDetails">The AMI's PlatformDetails with this code.</param>
public sealed record UsageOperationCode(string Code, GuestOsFamily Family, string OperatingSystemLicense, string PlatformDetails);

namespace Vmie.Ec2.Images.Licensing;

/// <summary>The operating system families licensing tells apart (spec §8).</summary>
public enum GuestOsFamily
{
    Linux,
    Windows,
}

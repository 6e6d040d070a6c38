namespace Vmie.Ec2.ImageImports;

/// <summary>The BootMode values of ImportImage and of the AMI it makes.</summary>
public static class ImageBootMode
{
    public const string LegacyBios = "legacy-bios";
    public const string Uefi = "uefi";

    /// <summary>Request only: UEFI when the guest can, else legacy BIOS. An AMI is never uefi-preferred.</summary>
    public const string UefiPreferred = "uefi-preferred";
}

using Vmie.Ec2.Contracts.Common;

namespace Vmie.Ec2.Contracts.Images;

/// <summary>
/// RegisterImage from EBS snapshots (spec §2.7). ImageLocation (instance-store manifests), BillingProducts,
/// UefiData, KernelId, RamdiskId and SriovNetSupport are not carried, so the protocol layer refuses them.
/// </summary>
public sealed class RegisterImageRequest
{
    public string? Name { get; set; }

    public string? Description { get; set; }

    /// <summary>i386 | x86_64 | arm64 (x86_64_mac and arm64_mac are refused); default x86_64.</summary>
    public string? Architecture { get; set; }

    public string? RootDeviceName { get; set; }

    /// <summary>Wire name BlockDeviceMapping.N.</summary>
    public List<BlockDeviceMapping>? BlockDeviceMappings { get; set; }

    /// <summary>hvm (the default; paravirtual is refused).</summary>
    public string? VirtualizationType { get; set; }

    public bool? EnaSupport { get; set; }

    /// <summary>legacy-bios | uefi | uefi-preferred.</summary>
    public string? BootMode { get; set; }

    /// <summary>v2.0.</summary>
    public string? TpmSupport { get; set; }

    /// <summary>v2.0.</summary>
    public string? ImdsSupport { get; set; }

    /// <summary>Resource type "image" (wire name TagSpecification.N).</summary>
    public List<TagSpecification>? TagSpecifications { get; set; }

    public bool? DryRun { get; set; }
}

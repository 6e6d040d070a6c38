using Vmie.Ec2.Contracts.Common;

namespace Vmie.Ec2.Contracts.ImportImages;

public sealed class ImportImageRequest
{
    /// <summary>i386 | x86_64 (arm64 is refused: ARM64 VMs are not supported).</summary>
    public string? Architecture { get; set; }

    public ClientData? ClientData { get; set; }

    public string? ClientToken { get; set; }

    public string? Description { get; set; }

    /// <summary>1 to 21 disks, the boot disk first (wire name DiskContainer.N).</summary>
    public List<ImageDiskContainer>? DiskContainers { get; set; }

    public bool? DryRun { get; set; }

    public bool? Encrypted { get; set; }

    /// <summary>xen.</summary>
    public string? Hypervisor { get; set; }

    public string? KmsKeyId { get; set; }

    /// <summary>AWS | BYOL, any case; not together with UsageOperation.</summary>
    public string? LicenseType { get; set; }

    /// <summary>Windows | Linux.</summary>
    public string? Platform { get; set; }

    public string? RoleName { get; set; }

    public List<ImportImageLicenseConfigurationRequest>? LicenseSpecifications { get; set; }

    public List<TagSpecification>? TagSpecifications { get; set; }

    /// <summary>A RunInstances[:code] billing code of spec §8.3.</summary>
    public string? UsageOperation { get; set; }

    /// <summary>legacy-bios | uefi | uefi-preferred.</summary>
    public string? BootMode { get; set; }
}

using Vmie.Ec2.Contracts.Common;

namespace Vmie.Ec2.Contracts.ImportImages;

/// <summary>The answer to ImportImage: the new task as it stands (no BootMode member in this shape).</summary>
public sealed class ImportImageResult
{
    public string? Architecture { get; set; }

    public string? Description { get; set; }

    public bool? Encrypted { get; set; }

    public string? Hypervisor { get; set; }

    public string? ImageId { get; set; }

    public string? ImportTaskId { get; set; }

    public string? KmsKeyId { get; set; }

    public string? LicenseType { get; set; }

    public string? Platform { get; set; }

    public string? Progress { get; set; }

    public List<SnapshotDetail> SnapshotDetails { get; set; } = [];

    public string? Status { get; set; }

    public string? StatusMessage { get; set; }

    public List<ImportImageLicenseConfigurationResponse> LicenseSpecifications { get; set; } = [];

    public List<Tag> Tags { get; set; } = [];

    public string? UsageOperation { get; set; }
}

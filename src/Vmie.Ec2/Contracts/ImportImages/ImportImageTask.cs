using Vmie.Ec2.Contracts.Common;

namespace Vmie.Ec2.Contracts.ImportImages;

/// <summary>An import image task as DescribeImportImageTasks shows it.</summary>
public sealed class ImportImageTask
{
    public string? Architecture { get; set; }

    public string? Description { get; set; }

    public bool? Encrypted { get; set; }

    public string? Hypervisor { get; set; }

    /// <summary>Set once the task is completed.</summary>
    public string? ImageId { get; set; }

    public string? ImportTaskId { get; set; }

    public string? KmsKeyId { get; set; }

    public string? LicenseType { get; set; }

    public string? Platform { get; set; }

    /// <summary>Percentage as a string; absent once the task has ended.</summary>
    public string? Progress { get; set; }

    public List<SnapshotDetail> SnapshotDetails { get; set; } = [];

    /// <summary>active | completed | deleting | deleted.</summary>
    public string? Status { get; set; }

    public string? StatusMessage { get; set; }

    public List<Tag> Tags { get; set; } = [];

    public List<ImportImageLicenseConfigurationResponse> LicenseSpecifications { get; set; } = [];

    public string? UsageOperation { get; set; }

    public string? BootMode { get; set; }
}

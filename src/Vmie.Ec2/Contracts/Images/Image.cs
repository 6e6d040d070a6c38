using Vmie.Ec2.Contracts.Common;

namespace Vmie.Ec2.Contracts.Images;

/// <summary>An AMI as DescribeImages returns it (model shape Image).</summary>
public sealed class Image
{
    public string? ImageId { get; set; }

    /// <summary>For an EBS-backed AMI: the owner's account ID and the name, "123456789012/my-ami".</summary>
    public string? ImageLocation { get; set; }

    /// <summary>pending | available | ... (wire name imageState).</summary>
    public string? State { get; set; }

    /// <summary>Wire name imageOwnerId.</summary>
    public string? OwnerId { get; set; }

    /// <summary>ISO 8601 with milliseconds, e.g. 2025-07-15T10:30:00.000Z (a string in the model).</summary>
    public string? CreationDate { get; set; }

    /// <summary>Wire name isPublic.</summary>
    public bool? Public { get; set; }

    public string? Architecture { get; set; }

    public string? ImageType { get; set; }

    /// <summary>"windows" for Windows AMIs, absent otherwise.</summary>
    public string? Platform { get; set; }

    public string? PlatformDetails { get; set; }

    public string? UsageOperation { get; set; }

    public List<BlockDeviceMapping> BlockDeviceMappings { get; set; } = [];

    public string? Description { get; set; }

    public bool? EnaSupport { get; set; }

    public string? Hypervisor { get; set; }

    public string? Name { get; set; }

    public string? RootDeviceName { get; set; }

    public string? RootDeviceType { get; set; }

    public List<Tag> Tags { get; set; } = [];

    public string? VirtualizationType { get; set; }

    public string? BootMode { get; set; }

    public string? TpmSupport { get; set; }

    public string? ImdsSupport { get; set; }
}

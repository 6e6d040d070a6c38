namespace Vmie.Ec2.Persistence;

/// <summary>One AMI: a row of ec2_images with its block device mappings (ec2_image_block_devices).</summary>
public sealed record ImageRecord
{
    public const string EbsRootDeviceType = "ebs";
    public const string HvmVirtualization = "hvm";
    public const string XenHypervisor = "xen";
    public const string MachineImageType = "machine";

    public long Sequence { get; init; }
    public required string Id { get; init; }
    public required string AccountId { get; init; }
    public required string Region { get; init; }

    /// <summary>Unique per account and region.</summary>
    public required string Name { get; init; }

    public string? Description { get; init; }

    /// <summary>An ImageState value: available for every AMI this vmie makes.</summary>
    public required string State { get; init; }

    /// <summary>i386, x86_64 or arm64.</summary>
    public required string Architecture { get; init; }

    /// <summary>"windows" for Windows AMIs, null for every other platform (EC2 leaves it out for Linux).</summary>
    public string? Platform { get; init; }

    /// <summary>"Linux/UNIX", "Windows", "Windows BYOL"... (spec §8.3).</summary>
    public required string PlatformDetails { get; init; }

    /// <summary>"RunInstances", "RunInstances:0002"... (spec §8.3).</summary>
    public required string UsageOperation { get; init; }

    /// <summary>legacy-bios, uefi or uefi-preferred; null when not set (the instance type decides).</summary>
    public string? BootMode { get; init; }

    public bool EnaSupport { get; init; }

    /// <summary>"v2.0" or null.</summary>
    public string? TpmSupport { get; init; }

    /// <summary>"v2.0" or null.</summary>
    public string? ImdsSupport { get; init; }

    /// <summary>The device of the root volume, e.g. /dev/sda1; one of <see cref="BlockDevices"/>.</summary>
    public required string RootDeviceName { get; init; }

    public string RootDeviceType { get; init; } = EbsRootDeviceType;
    public string VirtualizationType { get; init; } = HvmVirtualization;
    public string Hypervisor { get; init; } = XenHypervisor;
    public string ImageType { get; init; } = MachineImageType;
    public DateTimeOffset CreationDate { get; init; }

    /// <summary>The import-image task that made the AMI; null for RegisterImage.</summary>
    public string? SourceTaskId { get; init; }

    /// <summary>The EBS mappings in the order given (for ImportImage: disk order, root first).</summary>
    public IReadOnlyList<ImageBlockDeviceRecord> BlockDevices { get; init; } = [];
}

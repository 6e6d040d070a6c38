namespace Vmie.Api.Tests.Protocols.Ec2Query.Fixtures;

// Test-only request types for the import actions. LicenseSpecifications is left out on purpose:
// binding it must be refused as unsupported.

public sealed class ImportImageRequest
{
    public string? Architecture { get; set; }

    public ClientData? ClientData { get; set; }

    public string? ClientToken { get; set; }

    public string? Description { get; set; }

    public List<ImageDiskContainer>? DiskContainers { get; set; }

    public bool? DryRun { get; set; }

    public bool? Encrypted { get; set; }

    public string? Hypervisor { get; set; }

    public string? KmsKeyId { get; set; }

    public string? LicenseType { get; set; }

    public string? Platform { get; set; }

    public string? RoleName { get; set; }

    public List<TagSpecification>? TagSpecifications { get; set; }

    public string? UsageOperation { get; set; }

    public string? BootMode { get; set; }
}

public sealed class ImageDiskContainer
{
    public string? Description { get; set; }

    public string? DeviceName { get; set; }

    public string? Format { get; set; }

    public string? SnapshotId { get; set; }

    public string? Url { get; set; }

    public UserBucket? UserBucket { get; set; }
}

public sealed class ImportSnapshotRequest
{
    public ClientData? ClientData { get; set; }

    public string? ClientToken { get; set; }

    public string? Description { get; set; }

    public SnapshotDiskContainer? DiskContainer { get; set; }

    public bool? DryRun { get; set; }

    public bool? Encrypted { get; set; }

    public string? KmsKeyId { get; set; }

    public string? RoleName { get; set; }

    public List<TagSpecification>? TagSpecifications { get; set; }
}

public sealed class SnapshotDiskContainer
{
    public string? Description { get; set; }

    public string? Format { get; set; }

    public string? Url { get; set; }

    public UserBucket? UserBucket { get; set; }
}

// Without DryRun: the endpoint must still honour DryRun=true for it.
public sealed class DescribeImportTasksRequest
{
    public List<Filter>? Filters { get; set; }

    public IReadOnlyList<string>? ImportTaskIds { get; set; }

    public int? MaxResults { get; set; }

    public string? NextToken { get; set; }
}

public sealed class CancelImportTaskRequest
{
    public string? CancelReason { get; set; }

    public bool? DryRun { get; set; }

    public string? ImportTaskId { get; set; }
}

public sealed class ImportInstanceRequest
{
    public bool? DryRun { get; set; }

    public string? Description { get; set; }

    public ImportInstanceLaunchSpecification? LaunchSpecification { get; set; }

    public List<DiskImage>? DiskImages { get; set; }

    public string? Platform { get; set; }
}

public sealed class ImportInstanceLaunchSpecification
{
    public string? Architecture { get; set; }

    public List<string>? GroupNames { get; set; }

    public string? InstanceType { get; set; }

    public Placement? Placement { get; set; }

    public bool? Monitoring { get; set; }
}

public sealed class Placement
{
    public string? AvailabilityZone { get; set; }

    public int? PartitionNumber { get; set; }
}

public sealed class DiskImage
{
    public string? Description { get; set; }

    public DiskImageDetail? Image { get; set; }

    public VolumeDetail? Volume { get; set; }
}

public sealed class DiskImageDetail
{
    public string? Format { get; set; }

    public long? Bytes { get; set; }

    public string? ImportManifestUrl { get; set; }
}

public sealed class VolumeDetail
{
    public long? Size { get; set; }
}

public sealed class ImportVolumeRequest
{
    public string? AvailabilityZoneId { get; set; }

    public bool? DryRun { get; set; }

    public string? AvailabilityZone { get; set; }

    public DiskImageDetail? Image { get; set; }

    public string? Description { get; set; }

    public VolumeDetail? Volume { get; set; }
}

public sealed class DescribeConversionTasksRequest
{
    public bool? DryRun { get; set; }

    public List<string>? ConversionTaskIds { get; set; }
}

public sealed class CancelConversionRequest
{
    public bool? DryRun { get; set; }

    public string? ConversionTaskId { get; set; }

    public string? ReasonMessage { get; set; }
}

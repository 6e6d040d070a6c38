namespace Vmie.Api.Tests.Protocols.Ec2Query.Fixtures;

// Test-only request types for the export actions.

public sealed class ExportImageRequest
{
    public string? ClientToken { get; set; }

    public string? Description { get; set; }

    public string? DiskImageFormat { get; set; }

    public bool? DryRun { get; set; }

    public string? ImageId { get; set; }

    public ExportTaskS3LocationRequest? S3ExportLocation { get; set; }

    public string? RoleName { get; set; }

    public List<TagSpecification>? TagSpecifications { get; set; }
}

public sealed class ExportTaskS3LocationRequest
{
    public string? S3Bucket { get; set; }

    public string? S3Prefix { get; set; }
}

public sealed class DescribeExportImageTasksRequest
{
    public bool? DryRun { get; set; }

    public List<Filter>? Filters { get; set; }

    public List<string>? ExportImageTaskIds { get; set; }

    public int? MaxResults { get; set; }

    public string? NextToken { get; set; }
}

public sealed class CreateInstanceExportTaskRequest
{
    public List<TagSpecification>? TagSpecifications { get; set; }

    public string? Description { get; set; }

    public string? InstanceId { get; set; }

    public string? TargetEnvironment { get; set; }

    public ExportToS3TaskSpecification? ExportToS3Task { get; set; }
}

public sealed class ExportToS3TaskSpecification
{
    public string? DiskImageFormat { get; set; }

    public string? ContainerFormat { get; set; }

    public string? S3Bucket { get; set; }

    public string? S3Prefix { get; set; }
}

public sealed class DescribeExportTasksRequest
{
    public List<Filter>? Filters { get; set; }

    public List<string>? ExportTaskIds { get; set; }
}

public sealed class CancelExportTaskRequest
{
    public string? ExportTaskId { get; set; }
}

namespace Vmie.Api.Tests.Protocols.Ec2Query.Fixtures;

// Test-only result types for the import actions, with init-only properties as results are written.

public sealed class ImportImageResult
{
    public string? ImportTaskId { get; init; }

    public string? Progress { get; init; }

    public string? Status { get; init; }

    public string? StatusMessage { get; init; }
}

public sealed class DescribeImportImageTasksResult
{
    public IReadOnlyList<ImportImageTask>? ImportImageTasks { get; init; }

    public string? NextToken { get; init; }
}

public sealed class ImportImageTask
{
    public string? Architecture { get; init; }

    public string? Description { get; init; }

    public bool? Encrypted { get; init; }

    public string? ImportTaskId { get; init; }

    public string? LicenseType { get; init; }

    public string? Platform { get; init; }

    public string? Progress { get; init; }

    public List<SnapshotDetail>? SnapshotDetails { get; init; }

    public string? Status { get; init; }

    public string? StatusMessage { get; init; }

    public List<ResultTag>? Tags { get; init; }

    public string? BootMode { get; init; }
}

public sealed class SnapshotDetail
{
    public string? Description { get; init; }

    public string? DeviceName { get; init; }

    public double? DiskImageSize { get; init; }

    public string? Format { get; init; }

    public string? SnapshotId { get; init; }

    public string? Status { get; init; }

    public UserBucketDetails? UserBucket { get; init; }
}

public sealed class UserBucketDetails
{
    public string? S3Bucket { get; init; }

    public string? S3Key { get; init; }
}

public sealed class ResultTag
{
    public string? Key { get; init; }

    public string? Value { get; init; }
}

public sealed class DescribeImportSnapshotTasksResult
{
    public List<ImportSnapshotTask>? ImportSnapshotTasks { get; init; }

    public string? NextToken { get; init; }
}

public sealed class ImportSnapshotTask
{
    public string? Description { get; init; }

    public string? ImportTaskId { get; init; }

    public SnapshotTaskDetail? SnapshotTaskDetail { get; init; }

    public List<ResultTag>? Tags { get; init; }
}

public sealed class ImportSnapshotResult
{
    public string? Description { get; init; }

    public string? ImportTaskId { get; init; }

    public SnapshotTaskDetail? SnapshotTaskDetail { get; init; }

    public List<ResultTag>? Tags { get; init; }
}

public sealed class SnapshotTaskDetail
{
    public double DiskImageSize { get; init; }

    public bool? Encrypted { get; init; }

    public string? Format { get; init; }

    public string? Progress { get; init; }

    public string? SnapshotId { get; init; }

    public string? Status { get; init; }

    public string? StatusMessage { get; init; }

    public UserBucketDetails? UserBucket { get; init; }
}

public sealed class CancelImportTaskResult
{
    public string? ImportTaskId { get; init; }

    public string? PreviousState { get; init; }

    public string? State { get; init; }
}

using System.Globalization;
using Vmie.Ec2.Contracts.Common;
using Vmie.Ec2.Contracts.ImportSnapshots;
using Vmie.Ec2.Persistence;
using Vmie.Ec2.Tasks;

namespace Vmie.Ec2.Imports;

/// <summary>How a stored import snapshot task looks to clients.</summary>
public static class ImportSnapshotTaskView
{
    public static ImportSnapshotTask ToTask(ImportTaskRecord task, IReadOnlyList<ResourceTag> tags)
    {
        var parameters = ImportSnapshotParameters.FromJson(task.RequestJson);
        return new ImportSnapshotTask
        {
            Description = parameters.Description,
            ImportTaskId = task.Id,
            SnapshotTaskDetail = ToDetail(task, parameters),
            Tags = ToTags(tags),
        };
    }

    public static ImportSnapshotResult ToResult(ImportTaskRecord task, IReadOnlyList<ResourceTag> tags)
    {
        var view = ToTask(task, tags);
        return new ImportSnapshotResult
        {
            Description = view.Description,
            ImportTaskId = view.ImportTaskId,
            SnapshotTaskDetail = view.SnapshotTaskDetail,
            Tags = view.Tags,
        };
    }

    public static SnapshotTaskDetail ToDetail(ImportTaskRecord task, ImportSnapshotParameters parameters)
    {
        var ended = ImportTaskStatus.HasEnded(task.Status);
        return new SnapshotTaskDetail
        {
            Description = parameters.DiskDescription,
            DiskImageSize = task.DiskImageSize,
            Encrypted = parameters.Encrypted,
            Format = parameters.Format,
            KmsKeyId = parameters.KmsKeyId,
            // Progress and an empty SnapshotId are absent, not blank, outside their phase (clients test for presence).
            Progress = ended || task.Progress is null ? null : task.Progress.Value.ToString(CultureInfo.InvariantCulture),
            SnapshotId = task.Status == ImportTaskStatus.Completed ? task.SnapshotId : null,
            Status = task.Status,
            StatusMessage = task.Status == ImportTaskStatus.Completed ? null : task.StatusMessage,
            Url = parameters.Url,
            UserBucket = parameters.S3Bucket is null ? null : new UserBucketDetails { S3Bucket = parameters.S3Bucket, S3Key = parameters.S3Key },
        };
    }

    public static List<Tag> ToTags(IReadOnlyList<ResourceTag> tags) =>
        tags.Select(t => new Tag { Key = t.Key, Value = t.Value }).ToList();
}

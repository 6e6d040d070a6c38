using System.Globalization;
using Vmie.Ec2.Contracts.Common;
using Vmie.Ec2.Contracts.ImportImages;
using Vmie.Ec2.ImageImports;
using Vmie.Ec2.Persistence;
using Vmie.Ec2.Tasks;

namespace Vmie.Ec2.Imports;

/// <summary>How a stored import image task and its disks look to clients.</summary>
public static class ImportImageTaskView
{
    public static ImportImageTask ToTask(ImportTaskRecord task, IReadOnlyList<TaskDiskRecord> disks, IReadOnlyList<ResourceTag> tags)
    {
        var parameters = ImportImageParameters.FromJson(task.RequestJson);
        var decisions = ImageImportDecisions.FromStored(task.ResultJson);
        var ended = ImportTaskStatus.HasEnded(task.Status);
        return new ImportImageTask
        {
            Architecture = decisions?.Architecture ?? parameters.Architecture,
            BootMode = decisions?.BootMode ?? parameters.BootMode,
            Description = parameters.Description,
            Encrypted = parameters.Encrypted,
            Hypervisor = parameters.Hypervisor,
            ImageId = task.Status == ImportTaskStatus.Completed ? decisions?.ImageId : null,
            ImportTaskId = task.Id,
            KmsKeyId = parameters.KmsKeyId,
            LicenseSpecifications = parameters.LicenseConfigurationArns.Select(a => new ImportImageLicenseConfigurationResponse { LicenseConfigurationArn = a }).ToList(),
            LicenseType = decisions?.LicenseType ?? parameters.LicenseType,
            Platform = decisions?.TaskPlatform ?? parameters.Platform,
            // Progress is absent, not blank, once the task has ended (clients test for presence).
            Progress = ended || task.Progress is null ? null : task.Progress.Value.ToString(CultureInfo.InvariantCulture),
            SnapshotDetails = disks.OrderBy(d => d.Position).Select(d => ToDetail(d, ended)).ToList(),
            Status = task.Status,
            StatusMessage = task.Status == ImportTaskStatus.Completed ? null : task.StatusMessage,
            Tags = tags.Select(t => new Tag { Key = t.Key, Value = t.Value }).ToList(),
            UsageOperation = decisions?.UsageOperation ?? parameters.UsageOperation,
        };
    }

    /// <summary>The ImportImage answer: the task as it stands, in the result shape (which has no BootMode).</summary>
    public static ImportImageResult ToResult(ImportTaskRecord task, IReadOnlyList<TaskDiskRecord> disks, IReadOnlyList<ResourceTag> tags)
    {
        var view = ToTask(task, disks, tags);
        return new ImportImageResult
        {
            Architecture = view.Architecture,
            Description = view.Description,
            Encrypted = view.Encrypted,
            Hypervisor = view.Hypervisor,
            ImageId = view.ImageId,
            ImportTaskId = view.ImportTaskId,
            KmsKeyId = view.KmsKeyId,
            LicenseSpecifications = view.LicenseSpecifications,
            LicenseType = view.LicenseType,
            Platform = view.Platform,
            Progress = view.Progress,
            SnapshotDetails = view.SnapshotDetails,
            Status = view.Status,
            StatusMessage = view.StatusMessage,
            Tags = view.Tags,
            UsageOperation = view.UsageOperation,
        };
    }

    public static SnapshotDetail ToDetail(TaskDiskRecord disk, bool taskEnded) => new()
    {
        Description = disk.Description,
        DeviceName = disk.DeviceName,
        DiskImageSize = disk.DiskImageSize,
        Format = disk.Format,
        Progress = taskEnded || disk.Progress is null ? null : disk.Progress.Value.ToString(CultureInfo.InvariantCulture),
        SnapshotId = disk.Status == ImportTaskStatus.Completed ? disk.SnapshotId : null,
        Status = disk.Status,
        StatusMessage = disk.StatusMessage,
        Url = disk.Url,
        UserBucket = disk.EchoUserBucket ? new UserBucketDetails { S3Bucket = disk.SourceBucket, S3Key = disk.SourceKey } : null,
    };
}

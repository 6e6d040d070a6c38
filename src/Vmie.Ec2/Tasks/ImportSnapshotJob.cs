using Vmie.Disks.Abstractions;
using Vmie.Disks.Raw;
using Vmie.Ec2.Imports;
using Vmie.Ec2.Persistence;
using Vmie.Storage.Objects;
using Vmie.Storage.Snapshots;

namespace Vmie.Ec2.Tasks;

/// <summary>
/// The work of one import snapshot task: check the source object, open it as a disk of the requested format,
/// copy it into the snapshot store under the task's snapshot ID, and describe the snapshot made.
/// </summary>
public sealed class ImportSnapshotJob
{
    /// <summary>AWS gives imported snapshots this volume ID, which must not be used for anything.</summary>
    public const string ArbitraryVolumeId = "vol-ffffffff";

    private const long GiB = 1L << 30;

    private readonly IObjectStore _objects;
    private readonly ISnapshotImporter _importer;
    private readonly TimeProvider _time;

    public ImportSnapshotJob(IObjectStore objects, ISnapshotImporter importer, TimeProvider time)
    {
        _objects = objects;
        _importer = importer;
        _time = time;
    }

    /// <exception cref="ImportTaskFailedException">The source cannot be imported (the caller's problem).</exception>
    public async Task<SnapshotRecord> RunAsync(ImportTaskRecord task, IImportTaskReporter reporter, CancellationToken cancellationToken)
    {
        var parameters = ImportSnapshotParameters.FromJson(task.RequestJson);
        var snapshotId = task.SnapshotId ?? throw new InvalidOperationException($"Task {task.Id} was claimed without a snapshot ID.");
        var bucket = task.SourceBucket ?? throw new InvalidOperationException($"Task {task.Id} has no source bucket.");
        var key = task.SourceKey ?? throw new InvalidOperationException($"Task {task.Id} has no source key.");

        // The bucket may have been deleted, or deleted and created again by someone else, since the request.
        var bucketInfo = await _objects.GetBucketAsync(bucket, cancellationToken);
        if (bucketInfo is null)
        {
            throw new ImportTaskFailedException(ImportTaskMessages.SourceNotFound);
        }

        if (bucketInfo.OwnerAccountId != task.AccountId)
        {
            throw new ImportTaskFailedException("ClientError: Disk validation failed [We do not have access to the given resource. Reason 403 Forbidden]");
        }

        var source = await OpenSourceAsync(bucket, key, cancellationToken);
        IVirtualDisk opened;
        try
        {
            opened = OpenDisk(parameters.Format, source);
        }
        catch
        {
            await source.DisposeAsync();
            throw;
        }

        await using var disk = opened;
        await reporter.SetStageAsync(ImportTaskMessages.Converting, source.Length, cancellationToken);
        reporter.SetTotal(disk.Capacity);

        var startTime = task.ClaimedAt ?? _time.GetUtcNow();
        var stored = await _importer.ImportAsync(disk, snapshotId, reporter, cancellationToken);
        return new SnapshotRecord
        {
            Id = snapshotId,
            AccountId = task.AccountId,
            Region = task.Region,
            VolumeId = ArbitraryVolumeId,
            VolumeSize = (int)((stored.Capacity + GiB - 1) / GiB),
            Capacity = stored.Capacity,
            DataBytes = stored.DataBytes,
            State = "completed",
            Progress = "100%",
            Description = string.IsNullOrEmpty(parameters.DiskDescription) ? $"Created by AWS-VMImport service for {task.Id}" : parameters.DiskDescription,
            Encrypted = parameters.Encrypted,
            KmsKeyId = parameters.KmsKeyId,
            StartTime = startTime,
            CompletionTime = _time.GetUtcNow(),
            SourceTaskId = task.Id,
        };
    }

    private async Task<ObjectReadHandle> OpenSourceAsync(string bucket, string key, CancellationToken cancellationToken)
    {
        ObjectReadHandle handle;
        try
        {
            handle = await _objects.OpenReadAsync(bucket, key, cancellationToken);
        }
        catch (ObjectStoreException e) when (e.Code is "NoSuchKey" or "NoSuchBucket")
        {
            throw new ImportTaskFailedException(ImportTaskMessages.SourceNotFound);
        }

        if (handle.Length == 0)
        {
            await handle.DisposeAsync();
            throw new ImportTaskFailedException(ImportTaskMessages.SourceEmpty);
        }

        return handle;
    }

    private static IVirtualDisk OpenDisk(string format, ObjectReadHandle source) => format switch
    {
        DiskImageFormat.Raw => new RawDisk(source, ownsSource: true),

        // ImportSnapshot refuses these before a task exists; a row holding one was written by another version.
        _ => throw new NotSupportedException($"Disk image format {format} cannot be converted by this version of vmie."),
    };
}

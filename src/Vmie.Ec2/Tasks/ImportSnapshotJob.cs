using Vmie.Disks.Abstractions;
using Vmie.Disks.Detection;
using Vmie.Disks.Vmdk;
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
        var sourceLength = source.Length;
        await using var disk = await OpenDiskAsync(parameters.Format, source, cancellationToken);
        await reporter.SetStageAsync(ImportTaskMessages.Converting, sourceLength, cancellationToken);
        reporter.SetTotal(disk.Capacity);

        var startTime = task.ClaimedAt ?? _time.GetUtcNow();
        SnapshotImportResult stored;
        try
        {
            stored = await _importer.ImportAsync(disk, snapshotId, reporter, cancellationToken);
        }
        catch (InvalidDiskImageException e)
        {
            // Damage found while converting (a corrupt grain, a table entry past the end): the caller's image.
            throw new ImportTaskFailedException(ImportTaskMessages.DiskValidationFailed(e.Message));
        }
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

    /// <summary>
    /// Opens the source as the format its content shows, which must be the declared one; the disk owns the
    /// source from then on (or it is disposed here on failure). A VMDK must be stream-optimized (spec §13, I4).
    /// </summary>
    private static async Task<IVirtualDisk> OpenDiskAsync(string declaredFormat, ObjectReadHandle source, CancellationToken cancellationToken)
    {
        OpenedDiskImage? opened = null;
        try
        {
            var detected = await DiskFormatSniffer.DetectAsync(source, cancellationToken);
            if (detected == DiskFormat.Ova)
            {
                // An OVA holds a whole VM, possibly several disks: ImportSnapshot takes one disk image.
                throw new ImportTaskFailedException(ImportTaskMessages.DiskValidationFailed(ImportTaskMessages.OvaForSnapshot));
            }

            if (DiskFormatSniffer.Mismatch(declaredFormat, detected) is { } mismatch)
            {
                throw new ImportTaskFailedException(ImportTaskMessages.DiskValidationFailed(mismatch));
            }

            if (detected == DiskFormat.VmdkDescriptor)
            {
                // The descriptor names its data in other files: not a stream-optimized VMDK.
                throw new ImportTaskFailedException(ImportTaskMessages.UnsupportedVmdk);
            }

            opened = await DiskImageOpener.OpenAsync(source, resolveExtent: null, cancellationToken);
            if (opened.Disk is VmdkDisk { IsStreamOptimized: false })
            {
                throw new ImportTaskFailedException(ImportTaskMessages.UnsupportedVmdk);
            }

            return opened.Disk;
        }
        catch (InvalidDiskImageException e)
        {
            await source.DisposeAsync();
            throw new ImportTaskFailedException(ImportTaskMessages.DiskValidationFailed(e.Message));
        }
        catch
        {
            if (opened is not null)
            {
                await opened.DisposeAsync();
            }
            else
            {
                await source.DisposeAsync();
            }

            throw;
        }
    }
}

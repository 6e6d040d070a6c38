using Vmie.Disks.Abstractions;
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

        var source = await ImportSourceOpener.OpenObjectAsync(_objects, task.AccountId, bucket, key, cancellationToken);
        var sourceLength = source.Length;

        // An OVA holds a whole VM, possibly several disks: ImportSnapshot takes one disk image.
        await using var image = await ImportSourceOpener.OpenImageAsync(
            parameters.Format, source, $"s3://{bucket}/{key}", ImportTaskMessages.DiskValidationFailed(ImportTaskMessages.OvaForSnapshot), cancellationToken);
        var disk = image.Disks[0].Disk;
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
}

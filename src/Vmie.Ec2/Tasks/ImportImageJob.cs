using Vmie.Ec2.ImageImports;
using Vmie.Ec2.Images;
using Vmie.Ec2.Imports;
using Vmie.Ec2.Persistence;
using Vmie.Ec2.Resources;
using Vmie.Ec2.Volumes;

namespace Vmie.Ec2.Tasks;

/// <summary>
/// The work of one import-image task: read its disks, run <see cref="ImageImportPipeline"/> with a reporter backed by
/// the task's rows (validating → validated → converting), then prepare the AMI ("preparing ami"): the snapshot rows and
/// the AMI record the runner writes with the task's completion, in one transaction.
/// </summary>
public sealed class ImportImageJob
{
    /// <summary>The AMI's state: it is usable as soon as its task completes.</summary>
    private const string AvailableState = "available";

    private const long GiB = 1L << 30;

    private readonly ImageImportPipeline _pipeline;
    private readonly ImportTaskRepository _tasks;
    private readonly TaskDiskRepository _disks;
    private readonly TimeProvider _time;

    public ImportImageJob(ImageImportPipeline pipeline, ImportTaskRepository tasks, TaskDiskRepository disks, TimeProvider time)
    {
        _pipeline = pipeline;
        _tasks = tasks;
        _disks = disks;
        _time = time;
    }

    /// <param name="runSnapshotIds">Receives every snapshot ID the run may write, before it is written (lock it to read).</param>
    /// <exception cref="ImportTaskFailedException">The data cannot be imported (the caller's problem).</exception>
    public async Task<ImportImageCompletion> RunAsync(ImportTaskRecord task, ImportTaskLease lease, string workerId, ICollection<string> runSnapshotIds, CancellationToken cancellationToken)
    {
        var parameters = ImportImageParameters.FromJson(task.RequestJson);
        var containers = (await _disks.GetAsync([task.Id], cancellationToken)).GetValueOrDefault(task.Id)
            ?? throw new InvalidOperationException($"Import image task {task.Id} has no disks.");
        var sources = containers
            .Select(row => new ImageImportDisk(row.SourceBucket, row.SourceKey, row.Format, row.Description, row.SourceSnapshotId))
            .ToList();
        var snapshotIds = Enumerable.Range(0, ImageImportPipeline.MaxDisks).Select(_ => ResourceKind.Snapshot.NewId()).ToList();
        var request = new ImageImportRequestFacts(task.AccountId, parameters.BootMode, parameters.Architecture, parameters.Platform, parameters.LicenseType, parameters.UsageOperation);

        using var reporter = new ImageImportTaskReporter(_tasks, _disks, lease, task, workerId, _time, containers, runSnapshotIds);
        lease.OnBeat(reporter.FlushProgressAsync);
        var outcome = await _pipeline.RunAsync(sources, request, snapshotIds, reporter, cancellationToken);
        await reporter.SetStageAsync(ImportTaskMessages.PreparingAmi, cancellationToken);

        var now = _time.GetUtcNow();
        var startTime = task.ClaimedAt ?? now;
        var snapshots = outcome.Disks.Select(disk => new SnapshotRecord
        {
            Id = disk.SnapshotId,
            AccountId = task.AccountId,
            Region = task.Region,
            VolumeId = ImportSnapshotJob.ArbitraryVolumeId,
            VolumeSize = VolumeSizeOf(disk.Capacity),
            Capacity = disk.Capacity,
            DataBytes = disk.DataBytes,
            State = "completed",
            Progress = "100%",
            Description = $"Created by AWS-VMImport service for {task.Id}",
            Encrypted = parameters.Encrypted,
            KmsKeyId = parameters.KmsKeyId,
            StartTime = startTime,
            CompletionTime = now,
            SourceTaskId = task.Id,
        }).ToList();

        var decisions = outcome.Decisions with { ImageId = ResourceKind.Image.NewId() };
        var image = new ImageRecord
        {
            Id = decisions.ImageId,
            AccountId = task.AccountId,
            Region = task.Region,
            // AWS names an imported AMI after its task.
            Name = task.Id,
            Description = parameters.Description,
            State = AvailableState,
            Architecture = decisions.Architecture,
            Platform = decisions.Platform,
            PlatformDetails = decisions.PlatformDetails,
            UsageOperation = decisions.UsageOperation,
            BootMode = decisions.BootMode,
            EnaSupport = decisions.EnaSupport,
            RootDeviceName = DeviceNames.ImportRoot,
            CreationDate = now,
            SourceTaskId = task.Id,
            BlockDevices = outcome.Disks.Select(disk => new ImageBlockDeviceRecord
            {
                DeviceName = disk.DeviceName,
                SnapshotId = disk.SnapshotId,
                VolumeSize = VolumeSizeOf(disk.Capacity),
                VolumeType = VolumeTypeRules.Gp2,
                DeleteOnTermination = true,
                Encrypted = parameters.Encrypted,
                KmsKeyId = parameters.KmsKeyId,
            }).ToList(),
        };

        return new ImportImageCompletion(decisions, snapshots, image);
    }

    private static int VolumeSizeOf(long capacity) => (int)((capacity + GiB - 1) / GiB);
}

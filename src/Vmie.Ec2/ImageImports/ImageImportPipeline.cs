using Vmie.Disks.Abstractions;
using Vmie.Disks.Detection;
using Vmie.Disks.Sources;
using Vmie.Ec2.Images;
using Vmie.Ec2.Tasks;
using Vmie.Guest.FileSystems;
using Vmie.Guest.Inspection;
using Vmie.Guest.Volumes;
using Vmie.Storage.Objects;
using Vmie.Storage.Snapshots;

namespace Vmie.Ec2.ImageImports;

/// <summary>
/// The work of an import-image task from its claimed disks to snapshots and the AMI's decisions (issue 5 points
/// 2–4 and 6): open every container in place and expand OVAs, check the data (formats, limits), inspect the guest
/// — all in the `validating` stage, so a refused image fails in seconds — decide platform, architecture, boot mode
/// and ENA, then convert the disks in parallel within the process-wide <see cref="ConversionBudget"/>. A failure or
/// cancellation deletes every snapshot this run committed.
/// </summary>
public sealed class ImageImportPipeline
{
    /// <summary>Disks of one import once OVAs are expanded (spec §5.1 item 8); a caller allocating snapshot IDs before
    /// it knows what an OVA holds needs this many.</summary>
    public const int MaxDisks = VerdictRules.MaxVolumes;

    private readonly IObjectStore _objects;
    private readonly ISnapshotImporter _importer;
    private readonly ISnapshotStore _snapshots;
    private readonly ConversionBudget _budget;

    public ImageImportPipeline(IObjectStore objects, ISnapshotImporter importer, ISnapshotStore snapshots, ConversionBudget budget)
    {
        _objects = objects;
        _importer = importer;
        _snapshots = snapshots;
        _budget = budget;
    }

    /// <param name="containers">The task's disk containers in order (the first holds the boot disk).</param>
    /// <param name="snapshotIds">Snapshot IDs for the disks in order, at least one per disk after OVAs are expanded
    /// (<see cref="MaxDisks"/> covers any OVA); IDs beyond the disk count are not used.</param>
    /// <exception cref="ImportTaskFailedException">The data cannot be imported: the task ends with its StatusMessage.</exception>
    public async Task<ImageImportOutcome> RunAsync(
        IReadOnlyList<ImageImportDisk> containers,
        ImageImportRequestFacts request,
        IReadOnlyList<string> snapshotIds,
        IImageImportReporter reporter,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(containers);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(snapshotIds);
        ArgumentNullException.ThrowIfNull(reporter);
        if (containers.Count == 0)
        {
            throw new ArgumentException("An import-image task has at least one disk container.", nameof(containers));
        }

        await reporter.SetStageAsync(ImportTaskMessages.Validating, cancellationToken).ConfigureAwait(false);
        if (containers.Count > MaxDisks)
        {
            throw new ImportTaskFailedException(ImportTaskMessages.TooManyDisks);
        }

        if (containers.Count > 1 && containers.Any(container => string.Equals(container.Format, "OVA", StringComparison.OrdinalIgnoreCase)))
        {
            throw new ImportTaskFailedException(ImportTaskMessages.OvaNotSoleContainer);
        }

        var images = new List<IAsyncDisposable>();
        try
        {
            var disks = await OpenAsync(containers, request.AccountId, images, cancellationToken).ConfigureAwait(false);
            CheckLimits(disks);
            if (disks.Count > snapshotIds.Count)
            {
                throw new InvalidOperationException($"The task has {disks.Count} disks but {snapshotIds.Count} snapshot IDs were allocated for it.");
            }

            var plan = disks.Select((disk, index) => new PlannedDisk(index, disk.ContainerIndex, disk.Disk, containers[disk.ContainerIndex].Description, snapshotIds[index])).ToList();
            foreach (var disk in plan)
            {
                await reporter.SetDiskAsync(disk.Update(ImportTaskStatus.Active, ImportTaskMessages.Validating, ImportProgress.Initial), cancellationToken).ConfigureAwait(false);
            }

            var inspection = await InspectAsync(disks, cancellationToken).ConfigureAwait(false);
            if (inspection.Verdicts.FirstOrDefault(verdict => verdict.Severity == VerdictSeverity.Fail) is { } refusal)
            {
                throw new ImportTaskFailedException(refusal.StatusMessage);
            }

            var decisions = ImageImportDecisionRules.Decide(inspection, request, disks[0].Disk.Format);
            await reporter.SetStageAsync(ImportTaskMessages.Validated, cancellationToken).ConfigureAwait(false);
            foreach (var disk in plan)
            {
                await reporter.SetDiskAsync(disk.Update(ImportTaskStatus.Active, ImportTaskMessages.Validated, ImportProgress.Initial), cancellationToken).ConfigureAwait(false);
            }

            await reporter.SetStageAsync(ImportTaskMessages.ImageConverting, cancellationToken).ConfigureAwait(false);
            var results = await ConvertAsync(plan, reporter, cancellationToken).ConfigureAwait(false);
            return new ImageImportOutcome(results, decisions, inspection);
        }
        finally
        {
            for (var i = images.Count - 1; i >= 0; i--)
            {
                await images[i].DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>A disk's format as EC2 names it in SnapshotDetails (an OVA's disks by their own format).</summary>
    public static string FormatName(DiskFormat format) => format switch
    {
        DiskFormat.Raw => "RAW",
        DiskFormat.Vmdk or DiskFormat.VmdkDescriptor => "VMDK",
        DiskFormat.Vhd => "VHD",
        DiskFormat.Vhdx => "VHDX",
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "Not a disk format an import converts."),
    };

    private async Task<List<ContainerDisk>> OpenAsync(IReadOnlyList<ImageImportDisk> containers, string accountId, List<IAsyncDisposable> images, CancellationToken cancellationToken)
    {
        var disks = new List<ContainerDisk>();
        for (var index = 0; index < containers.Count; index++)
        {
            var container = containers[index];
            if (container.SourceSnapshotId is { } snapshotId)
            {
                // A disk the account already imported: read back from the snapshot store (the task pins the snapshot).
                var snapshot = await _snapshots.OpenAsync(snapshotId, cancellationToken).ConfigureAwait(false);
                images.Add(snapshot);
                disks.Add(new ContainerDisk(index, new VirtualMachineDisk(snapshot, snapshotId, DiskFormat.Raw, "snapshot", snapshot.Capacity, [])));
                continue;
            }

            var bucket = container.Bucket ?? throw new ArgumentException($"Disk container {index} has neither a source object nor a snapshot.", nameof(containers));
            var key = container.Key ?? throw new ArgumentException($"Disk container {index} has no source key.", nameof(containers));
            var format = container.Format ?? throw new ArgumentException($"Disk container {index} has no format.", nameof(containers));
            var source = await ImportSourceOpener.OpenObjectAsync(_objects, accountId, bucket, key, cancellationToken).ConfigureAwait(false);
            var ovaRefusal = containers.Count > 1 ? ImportTaskMessages.OvaNotSoleContainer : null;
            var image = await ImportSourceOpener.OpenImageAsync(format, source, $"s3://{bucket}/{key}", ovaRefusal, cancellationToken).ConfigureAwait(false);
            images.Add(image);
            disks.AddRange(image.Disks.Select(disk => new ContainerDisk(index, disk)));
        }

        return disks;
    }

    /// <summary>Spec §5.1 items 8 and 11, checked on the image facts before any guest data is read.</summary>
    private static void CheckLimits(List<ContainerDisk> disks)
    {
        if (disks.Count > MaxDisks)
        {
            throw new ImportTaskFailedException(ImportTaskMessages.TooManyDisks);
        }

        foreach (var disk in disks)
        {
            if (disk.Disk.Disk.Capacity >= VerdictRules.MaxImageBytes)
            {
                throw new ImportTaskFailedException(ImportTaskMessages.ImageTooLarge);
            }

            if (disk.Disk.Disk.Capacity >= VerdictRules.MaxImportImageDiskBytes)
            {
                throw new ImportTaskFailedException(ImportTaskMessages.ImportImageDiskTooLarge);
            }
        }
    }

    private static async Task<GuestInspection> InspectAsync(List<ContainerDisk> disks, CancellationToken cancellationToken)
    {
        var inputs = disks
            .Select(disk => new InspectedDiskInput(new VirtualDiskBlockSource(disk.Disk.Disk, ownsDisk: false), disk.Disk.Name, disk.Disk.FormatName, disk.Disk.ImageFileSize))
            .ToList();
        try
        {
            return await GuestInspector.InspectAsync(inputs, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is InvalidDiskImageException or CorruptVolumeException or CorruptFileSystemException)
        {
            // A damaged image found while reading the guest: the caller's data.
            throw new ImportTaskFailedException(ImportTaskMessages.DiskValidationFailed(e.Message));
        }
    }

    /// <summary>
    /// Converts every disk, in parallel within the budget. The first failure cancels the others; then every snapshot
    /// committed by this run is deleted before the failure is passed on (an input fault before a cancellation).
    /// </summary>
    private async Task<IReadOnlyList<ImageImportDiskResult>> ConvertAsync(List<PlannedDisk> plan, IImageImportReporter reporter, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var progress = new ImageImportProgress(plan.Select(disk => disk.Disk.Disk.Capacity).ToArray(), reporter);
        var committed = new List<string>();
        var conversions = plan.Select(disk => ConvertAsync(disk, progress, committed, reporter, stop)).ToList();
        try
        {
            await Task.WhenAll(conversions).ConfigureAwait(false);
            return [.. conversions.Select(conversion => conversion.Result)];
        }
        catch
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(conversions.Select(conversion => conversion.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default))).ConfigureAwait(false);
            List<string> release;
            lock (committed)
            {
                release = [.. committed];
            }

            foreach (var snapshotId in release)
            {
                // Not cancellable: a cancelled task must leave nothing half-made behind.
                await _snapshots.DeleteAsync(snapshotId, CancellationToken.None).ConfigureAwait(false);
            }

            var faults = conversions.Where(conversion => conversion.IsFaulted).SelectMany(conversion => conversion.Exception!.InnerExceptions).ToList();
            var primary = faults.OfType<ImportTaskFailedException>().FirstOrDefault<Exception>()
                ?? faults.FirstOrDefault(fault => fault is not OperationCanceledException)
                ?? new OperationCanceledException(cancellationToken);
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(primary).Throw();
            throw;
        }
    }

    private async Task<ImageImportDiskResult> ConvertAsync(PlannedDisk disk, ImageImportProgress progress, List<string> committed, IImageImportReporter reporter, CancellationTokenSource stop)
    {
        try
        {
            using var slot = await _budget.AcquireAsync(stop.Token).ConfigureAwait(false);
            await reporter.SetDiskAsync(disk.Update(ImportTaskStatus.Active, ImportTaskMessages.ImageConverting, ImportProgress.Initial), stop.Token).ConfigureAwait(false);
            SnapshotImportResult stored;
            try
            {
                stored = await _importer.ImportAsync(disk.Disk.Disk, disk.SnapshotId, progress.For(disk.Index), stop.Token).ConfigureAwait(false);
            }
            catch (InvalidDiskImageException e)
            {
                // Damage found while converting (a corrupt grain, a table entry past the end): the caller's image.
                throw new ImportTaskFailedException(ImportTaskMessages.DiskValidationFailed(e.Message));
            }

            lock (committed)
            {
                committed.Add(disk.SnapshotId);
            }

            progress.Complete(disk.Index);
            await reporter.SetDiskAsync(disk.Update(ImportTaskStatus.Completed, null, null), stop.Token).ConfigureAwait(false);
            return new ImageImportDiskResult(
                disk.Index, disk.ContainerIndex, disk.SnapshotId, DeviceNames.ForImportedDisk(disk.Index), stored.Capacity, stored.DataBytes, FormatName(disk.Disk.Format), disk.Disk.ImageFileSize, disk.Description);
        }
        catch
        {
            await stop.CancelAsync().ConfigureAwait(false);
            throw;
        }
    }

    private sealed record ContainerDisk(int ContainerIndex, VirtualMachineDisk Disk);

    private sealed record PlannedDisk(int Index, int ContainerIndex, VirtualMachineDisk Disk, string? Description, string SnapshotId)
    {
        public ImageImportDiskUpdate Update(string status, string? statusMessage, int? progress) =>
            new(Index, ContainerIndex, status, statusMessage, progress, FormatName(Disk.Format), Disk.ImageFileSize, DeviceNames.ForImportedDisk(Index), SnapshotId);
    }
}

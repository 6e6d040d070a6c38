namespace Vmie.Ec2.ImageImports;

/// <summary>
/// What the pipeline tells its task as it goes; the task runner backs it with the task repository. Stage and disk
/// changes are recorded at once; byte counts are called often and from several threads, so they should only be
/// remembered (and written with the heartbeat).
/// </summary>
public interface IImageImportReporter
{
    /// <summary>Records a new StatusMessage of the task (validating, validated, converting).</summary>
    Task SetStageAsync(string statusMessage, CancellationToken cancellationToken);

    /// <summary>Records a disk's detail (one per disk after OVAs are expanded, boot disk first) at once.</summary>
    Task SetDiskAsync(ImageImportDiskUpdate update, CancellationToken cancellationToken);

    /// <summary>A disk's conversion progress, 0–100 (<see cref="Tasks.ImportProgress"/>'s scale); never lower than before.</summary>
    void ReportDiskProgress(int diskIndex, int progress);

    /// <summary>Bytes processed over all disks against the sum of their virtual sizes; never lower than before.</summary>
    void ReportOverall(long processedBytes, long totalBytes);
}

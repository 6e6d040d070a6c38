namespace Vmie.Ec2.Tasks;

/// <summary>What a running job tells its task: its phase, the source size, and bytes processed (as progress).</summary>
public interface IImportTaskReporter : IProgress<long>
{
    /// <summary>The total the processed bytes are measured against.</summary>
    void SetTotal(long bytes);

    /// <summary>Records a new StatusMessage (and the source size when known) at once.</summary>
    Task SetStageAsync(string statusMessage, long? diskImageSize, CancellationToken cancellationToken);
}

namespace Vmie.Ec2.Contracts.ImportSnapshots;

/// <summary>Cancels an import-snap- (or import-ami-) task.</summary>
public sealed class CancelImportTaskRequest
{
    public string? CancelReason { get; set; }

    public bool? DryRun { get; set; }

    public string? ImportTaskId { get; set; }
}

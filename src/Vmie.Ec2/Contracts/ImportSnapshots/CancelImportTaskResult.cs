namespace Vmie.Ec2.Contracts.ImportSnapshots;

public sealed class CancelImportTaskResult
{
    public string? ImportTaskId { get; set; }

    public string? PreviousState { get; set; }

    public string? State { get; set; }
}

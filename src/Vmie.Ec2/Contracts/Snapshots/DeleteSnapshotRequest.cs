namespace Vmie.Ec2.Contracts.Snapshots;

/// <summary>DeleteSnapshot has no output shape; the response only carries the request ID.</summary>
public sealed class DeleteSnapshotRequest
{
    public string? SnapshotId { get; set; }

    public bool? DryRun { get; set; }
}

namespace Vmie.Ec2.Contracts.Images;

/// <summary>What became of one snapshot of a deregistered AMI (model shape DeleteSnapshotReturnCode).</summary>
public sealed class DeleteSnapshotReturnCode
{
    public string? SnapshotId { get; set; }

    /// <summary>success | skipped | missing-permissions | internal-error | client-error.</summary>
    public string? ReturnCode { get; set; }
}

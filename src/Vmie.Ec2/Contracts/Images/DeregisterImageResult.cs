namespace Vmie.Ec2.Contracts.Images;

public sealed class DeregisterImageResult
{
    /// <summary>Wire name return: true once the AMI is deregistered.</summary>
    public bool? Return { get; set; }

    /// <summary>One entry per snapshot of the AMI, when DeleteAssociatedSnapshots was asked.</summary>
    public List<DeleteSnapshotReturnCode>? DeleteSnapshotResults { get; set; }
}

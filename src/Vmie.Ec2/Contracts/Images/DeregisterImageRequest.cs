namespace Vmie.Ec2.Contracts.Images;

public sealed class DeregisterImageRequest
{
    public string? ImageId { get; set; }

    /// <summary>Also delete the AMI's snapshots (each one a snapshot no other AMI or task uses).</summary>
    public bool? DeleteAssociatedSnapshots { get; set; }

    public bool? DryRun { get; set; }
}

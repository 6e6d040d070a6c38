namespace Vmie.Ec2.Contracts.Volumes;

/// <summary>DeleteVolume has no output shape; the response only carries the request ID.</summary>
public sealed class DeleteVolumeRequest
{
    public string? VolumeId { get; set; }

    public bool? DryRun { get; set; }
}

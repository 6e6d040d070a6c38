namespace Vmie.Ec2.Contracts.Volumes;

/// <summary>An attachment of a volume to an instance (model shape VolumeAttachment).</summary>
public sealed class VolumeAttachment
{
    public string? VolumeId { get; set; }

    public string? InstanceId { get; set; }

    public string? Device { get; set; }

    /// <summary>attaching | attached | detaching | detached | busy (wire name status).</summary>
    public string? State { get; set; }

    public DateTime? AttachTime { get; set; }

    public bool? DeleteOnTermination { get; set; }
}

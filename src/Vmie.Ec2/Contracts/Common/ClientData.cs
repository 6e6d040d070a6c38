namespace Vmie.Ec2.Contracts.Common;

/// <summary>Client-supplied facts about the upload; recorded, not interpreted.</summary>
public sealed class ClientData
{
    public string? Comment { get; set; }

    public DateTime? UploadEnd { get; set; }

    /// <summary>Size of the uploaded disk image in GiB.</summary>
    public double? UploadSize { get; set; }

    public DateTime? UploadStart { get; set; }
}

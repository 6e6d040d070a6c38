using Vmie.Ec2.Contracts.Common;

namespace Vmie.Ec2.Contracts.ImportSnapshots;

public sealed class ImportSnapshotRequest
{
    public ClientData? ClientData { get; set; }

    public string? ClientToken { get; set; }

    public string? Description { get; set; }

    public SnapshotDiskContainer? DiskContainer { get; set; }

    public bool? DryRun { get; set; }

    public bool? Encrypted { get; set; }

    public string? KmsKeyId { get; set; }

    public string? RoleName { get; set; }

    public List<TagSpecification>? TagSpecifications { get; set; }
}

using Vmie.Ec2.Contracts.Common;

namespace Vmie.Ec2.Contracts.ImportSnapshots;

public sealed class ImportSnapshotResult
{
    public string? Description { get; set; }

    public string? ImportTaskId { get; set; }

    public SnapshotTaskDetail? SnapshotTaskDetail { get; set; }

    public List<Tag> Tags { get; set; } = [];
}

using Vmie.Ec2.ImageImports;
using Vmie.Ec2.Persistence;

namespace Vmie.Ec2.Tasks;

/// <summary>What an import-image run made, for the runner to record with the task's completion.</summary>
/// <param name="Decisions">The task's result_json, with the AMI's ID.</param>
/// <param name="Snapshots">One per disk, boot disk first; committed in the snapshot store.</param>
/// <param name="Image">The AMI, mapping the snapshots.</param>
public sealed record ImportImageCompletion(ImageImportDecisions Decisions, IReadOnlyList<SnapshotRecord> Snapshots, ImageRecord Image);

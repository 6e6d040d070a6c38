using Vmie.Guest.Inspection;

namespace Vmie.Ec2.ImageImports;

/// <summary>A task's disks converted and judged: what remains is the AMI (the caller's "preparing ami").</summary>
/// <param name="Disks">One per disk, boot disk first; their snapshots are committed and the caller's from now on.</param>
/// <param name="Decisions">Platform, architecture, boot mode, ENA and the OS facts for licensing.</param>
/// <param name="Inspection">The guest as inspection found it (its verdicts are warnings and notes at most).</param>
public sealed record ImageImportOutcome(IReadOnlyList<ImageImportDiskResult> Disks, ImageImportDecisions Decisions, GuestInspection Inspection);

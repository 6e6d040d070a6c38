using Vmie.Ec2.Persistence;

namespace Vmie.Ec2.Imports;

/// <summary>An ImportImage request after every check that needs no lookup.</summary>
public sealed record ValidatedImportImage(
    ImportImageParameters Parameters,
    IReadOnlyList<ValidatedImageDisk> Disks,
    IReadOnlyList<ResourceTag> Tags,
    string? ClientToken);

namespace Vmie.Guest.Linux;

/// <summary>
/// The distribution and version a Linux root says it is. <see cref="Version"/> is the most precise dotted
/// version found ("7.9", "12.4", "22.04", "2023"); <see cref="ServicePack"/> is set for SLES only (0 for
/// the base release). <see cref="Evidence"/> lists the lines that decided; <see cref="Conflicts"/> says why
/// a file was overruled or a fingerprint refused.
/// </summary>
public sealed record LinuxRelease(
    LinuxDistribution Distribution,
    string? Id,
    IReadOnlyList<string> IdLike,
    string? Name,
    string? PrettyName,
    string? Version,
    int? Major,
    int? Minor,
    int? ServicePack,
    IReadOnlyList<LinuxEvidence> Evidence,
    IReadOnlyList<string> Conflicts);

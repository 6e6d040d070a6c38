using Vmie.Guest.Linux;

namespace Vmie.Guest.Inspection;

/// <summary>
/// One row of spec §4.2.1: a distribution's versions from <see cref="MinVersion"/> to <see cref="MaxVersion"/>
/// (dotted, compared numerically; a missing component matches any), the kernel versions it supports (a kernel
/// matches when its version starts with one of them at a component boundary, or contains a marker such as
/// "el5uek"), and for SLES the service packs (0 = base release).
/// </summary>
public sealed record LinuxSupportRow(
    LinuxDistribution Distribution,
    string MinVersion,
    string MaxVersion,
    IReadOnlyList<string> Kernels,
    IReadOnlyList<int>? ServicePacks = null,
    IReadOnlyList<string>? ExcludedKernels = null)
{
    public bool MatchesVersion(string? version, int? servicePack)
    {
        if (version is null)
        {
            return false;
        }

        if (ServicePacks is not null && !ServicePacks.Contains(servicePack ?? 0))
        {
            return false;
        }

        return DottedVersion.CompareToBound(version, MinVersion) >= 0 && DottedVersion.CompareToBound(version, MaxVersion) <= 0;
    }

    /// <summary>The major version of the row ("7" for 7.0–7.9), to tell a known major with an unlisted minor.</summary>
    public string Major => MinVersion.Split('.')[0];

    public bool MatchesKernel(string kernelVersion)
    {
        ArgumentNullException.ThrowIfNull(kernelVersion);
        if (ExcludedKernels?.Any(excluded => DottedVersion.StartsWithComponents(kernelVersion, excluded)) == true)
        {
            return false;
        }

        return Kernels.Any(kernel => kernel.StartsWith("el", StringComparison.Ordinal)
            ? kernelVersion.Contains(kernel, StringComparison.Ordinal)
            : DottedVersion.StartsWithComponents(kernelVersion, kernel));
    }
}

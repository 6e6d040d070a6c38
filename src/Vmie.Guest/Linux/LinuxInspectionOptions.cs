using Vmie.Guest.Linux.Initramfs;

namespace Vmie.Guest.Linux;

/// <summary>What <see cref="LinuxInspector"/> reads beyond configuration files.</summary>
public sealed record LinuxInspectionOptions
{
    public static LinuxInspectionOptions Default { get; } = new();

    /// <summary>Read the default kernel's initramfs through (decompressing it: the costliest step, about a second).</summary>
    public bool ReadInitramfs { get; init; } = true;

    public InitramfsLimits InitramfsLimits { get; init; } = InitramfsLimits.Default;
}

using Vmie.Ec2.Errors;

namespace Vmie.Ec2.Images;

/// <summary>The architectures of AMIs (ArchitectureValues less the Mac ones, which need dedicated hosts).</summary>
public static class ImageArchitectures
{
    public const string I386 = "i386";
    public const string X86_64 = "x86_64";
    public const string Arm64 = "arm64";

    public static IReadOnlyList<string> All { get; } = [I386, X86_64, Arm64];

    /// <summary>The architecture in EC2's spelling; <see cref="X86_64"/> when not given.</summary>
    public static string Resolve(string? architecture)
    {
        if (string.IsNullOrEmpty(architecture))
        {
            return X86_64;
        }

        return All.FirstOrDefault(a => a.Equals(architecture, StringComparison.OrdinalIgnoreCase))
            ?? throw Ec2Errors.InvalidValue("Architecture", architecture, $"Expecting one of: {string.Join(", ", All)}.");
    }
}

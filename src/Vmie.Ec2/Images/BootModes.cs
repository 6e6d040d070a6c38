using Vmie.Ec2.Errors;

namespace Vmie.Ec2.Images;

/// <summary>The BootModeValues of an AMI and the rules tying them to the architecture and NitroTPM.</summary>
public static class BootModes
{
    public const string LegacyBios = "legacy-bios";
    public const string Uefi = "uefi";
    public const string UefiPreferred = "uefi-preferred";

    public static IReadOnlyList<string> All { get; } = [LegacyBios, Uefi, UefiPreferred];

    /// <summary>
    /// The boot mode in EC2's spelling, or null when not given (the instance type's default then applies).
    /// Arm64 boots only with UEFI; NitroTPM (TpmSupport v2.0) needs UEFI.
    /// </summary>
    public static string? Resolve(string? bootMode, string architecture, string? tpmSupport)
    {
        string? resolved = null;
        if (!string.IsNullOrEmpty(bootMode))
        {
            resolved = All.FirstOrDefault(m => m.Equals(bootMode, StringComparison.OrdinalIgnoreCase))
                ?? throw Ec2Errors.InvalidValue("BootMode", bootMode, $"Expecting one of: {string.Join(", ", All)}.");
        }

        if (architecture == ImageArchitectures.Arm64 && resolved is LegacyBios)
        {
            throw Ec2Errors.InvalidParameterCombination("The arm64 architecture supports only the uefi boot mode; legacy-bios is not allowed.");
        }

        if (tpmSupport is not null && resolved is not Uefi)
        {
            throw Ec2Errors.InvalidParameterCombination("TpmSupport v2.0 requires the uefi boot mode.");
        }

        return resolved;
    }
}

namespace Vmie.Ec2.Images.Licensing;

/// <summary>The LicenseType values of ImportImage (spec §8.2), in the casing AWS echoes.</summary>
public static class LicenseTypes
{
    /// <summary>License included: the source license is replaced by an AWS one.</summary>
    public const string Aws = "AWS";

    /// <summary>Bring your own license: the source license is kept.</summary>
    public const string Byol = "BYOL";

    public static readonly IReadOnlyList<string> All = [Aws, Byol];

    /// <summary>The value in AWS's casing, or null when <paramref name="value"/> is neither (any case accepted).</summary>
    public static string? Normalise(string? value) =>
        All.FirstOrDefault(v => string.Equals(v, value?.Trim(), StringComparison.OrdinalIgnoreCase));
}

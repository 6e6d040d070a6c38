namespace Vmie.Ec2.Images.Licensing;

/// <summary>
/// Decides the licensing of an imported image from the guest and the caller's LicenseType or UsageOperation
/// (spec §8): Linux is BYOL only; Windows Server takes AWS (the default) or BYOL; Windows client editions are
/// BYOL only; a usage operation must bill the guest's OS family and a license it allows.
/// </summary>
public static class ImageLicensing
{
    /// <param name="licenseType">AWS or BYOL in any case, or null.</param>
    /// <param name="usageOperation">A code of <see cref="UsageOperationCodes"/>, or null.</param>
    public static LicensingDecision Decide(LicensingGuest guest, string? licenseType, string? usageOperation)
    {
        var hasLicenseType = !string.IsNullOrEmpty(licenseType);
        var hasUsageOperation = !string.IsNullOrEmpty(usageOperation);
        if (hasLicenseType && hasUsageOperation)
        {
            return LicensingDecision.Failure("ClientError: LicenseType and UsageOperation cannot both be given; choose the license with one of them.");
        }

        if (hasUsageOperation)
        {
            return DecideForUsageOperation(guest, usageOperation!);
        }

        if (hasLicenseType)
        {
            var normalised = LicenseTypes.Normalise(licenseType);
            if (normalised is null)
            {
                return LicensingDecision.Failure($"ClientError: Unknown license type '{licenseType}'; use AWS or BYOL.");
            }

            return AllowsIncludedLicense(guest) || normalised == LicenseTypes.Byol
                ? LicensingDecision.From(UsageOperationCodes.For(guest.Family, normalised))
                : LicensingDecision.Failure(IncludedLicenseRefused(guest, $"LicenseType {LicenseTypes.Aws}"));
        }

        // Spec §8.2: Windows Server defaults to AWS, everything else to BYOL.
        return LicensingDecision.From(UsageOperationCodes.For(guest.Family, AllowsIncludedLicense(guest) ? LicenseTypes.Aws : LicenseTypes.Byol));
    }

    private static LicensingDecision DecideForUsageOperation(LicensingGuest guest, string usageOperation)
    {
        var code = UsageOperationCodes.Find(usageOperation);
        if (code is null)
        {
            return LicensingDecision.Failure(
                $"ClientError: Unknown usage operation '{usageOperation}'; use one of {string.Join(", ", UsageOperationCodes.All.Select(c => c.Code))}.");
        }

        if (code.Family != guest.Family)
        {
            return LicensingDecision.Failure(
                $"ClientError: The usage operation {code.Code} ({code.PlatformDetails}) is for {code.Family} and does not match the imported operating system, {guest.Describe()}.");
        }

        if (code.OperatingSystemLicense == LicenseTypes.Aws && !AllowsIncludedLicense(guest))
        {
            return LicensingDecision.Failure(IncludedLicenseRefused(guest, $"The usage operation {code.Code} ({code.PlatformDetails})"));
        }

        return LicensingDecision.From(code);
    }

    private static bool AllowsIncludedLicense(LicensingGuest guest) => guest.Family == GuestOsFamily.Windows && !guest.IsWindowsClient;

    private static string IncludedLicenseRefused(LicensingGuest guest, string choice) =>
        $"ClientError: {choice} includes an AWS operating system license, which {guest.Describe()} does not support; only BYOL is supported for it. Import it with LicenseType BYOL.";
}

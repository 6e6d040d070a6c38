namespace Vmie.Ec2.Images.Licensing;

/// <summary>
/// The licensing of an imported image: its LicenseType, PlatformDetails and UsageOperation, or, for a choice
/// the guest does not allow, the StatusMessage that ends the task.
/// </summary>
public sealed record LicensingDecision
{
    private LicensingDecision()
    {
    }

    public string? LicenseType { get; private init; }

    public string? PlatformDetails { get; private init; }

    public string? UsageOperation { get; private init; }

    /// <summary>"ClientError: ..." when the requested license does not fit the guest; null on success.</summary>
    public string? FailureMessage { get; private init; }

    public bool Succeeded => FailureMessage is null;

    public static LicensingDecision From(UsageOperationCode code) => new()
    {
        LicenseType = code.OperatingSystemLicense,
        PlatformDetails = code.PlatformDetails,
        UsageOperation = code.Code,
    };

    public static LicensingDecision Failure(string message) => new() { FailureMessage = message };
}

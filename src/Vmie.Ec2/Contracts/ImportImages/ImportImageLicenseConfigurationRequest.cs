namespace Vmie.Ec2.Contracts.ImportImages;

public sealed class ImportImageLicenseConfigurationRequest
{
    public string? LicenseConfigurationArn { get; set; }
}

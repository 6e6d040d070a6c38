namespace Vmie.Ec2.Contracts.ImportImages;

public sealed class ImportImageLicenseConfigurationResponse
{
    public string? LicenseConfigurationArn { get; set; }
}

using System.Text.RegularExpressions;
using Vmie.Ec2.Contracts.ImportImages;
using Vmie.Ec2.Errors;
using Vmie.Ec2.Images.Licensing;
using Vmie.Ec2.Resources;

namespace Vmie.Ec2.Imports;

/// <summary>
/// Everything about an ImportImage request that can be checked without looking anything up: the disk
/// containers (count, formats, sources, snapshots), the enumerated members, the license choice, the UEFI
/// snapshot rule, encryption options, license configurations, tags and lengths.
/// </summary>
public static partial class ImportImageRequestValidator
{
    public const int MaxLicenseSpecifications = 10;

    public static readonly IReadOnlyList<string> Architectures = ["i386", "x86_64"];
    public static readonly IReadOnlyList<string> Platforms = ["Windows", "Linux"];
    public static readonly IReadOnlyList<string> Hypervisors = ["xen"];
    public static readonly IReadOnlyList<string> BootModes = ["legacy-bios", "uefi", "uefi-preferred"];

    public static ValidatedImportImage Validate(ImportImageRequest request)
    {
        var containers = request.DiskContainers;
        if (containers is null || containers.Count == 0)
        {
            throw Ec2Errors.MissingParameter("DiskContainer");
        }

        if (containers.Count > ImportTaskLimits.MaxDiskContainers)
        {
            throw Ec2Errors.InvalidParameterValue(
                $"The request gives {containers.Count} disk containers; an image import takes at most {ImportTaskLimits.MaxDiskContainers} disks. Import the other disks one at a time with ImportSnapshot.");
        }

        var disks = containers.Select(ValidateDisk).ToList();
        if (disks.Count > 1 && disks.Any(d => d.Parameters.Format == DiskImageFormat.Ova))
        {
            throw Ec2Errors.InvalidParameterValue("An OVA must be the only disk container of an ImportImage request; its disks are imported together.");
        }

        ImportRequestRules.CheckLength("Description", request.Description);
        ImportRequestRules.CheckLength("ClientData.Comment", request.ClientData?.Comment);

        var architecture = ParseArchitecture(request.Architecture);
        var platform = ParseChoice("Platform", request.Platform, Platforms);
        var hypervisor = ParseChoice("Hypervisor", request.Hypervisor, Hypervisors);
        var bootMode = ParseChoice("BootMode", request.BootMode, BootModes);
        var (licenseType, usageOperation) = ParseLicense(request.LicenseType, request.UsageOperation);

        // Spec §2.3/§5.1.6: a UEFI VM imported from a snapshot cannot be inspected for its platform.
        if (bootMode is "uefi" or "uefi-preferred" && platform is null && disks.Any(d => d.SnapshotId is not null))
        {
            throw new Ec2Exception("MissingParameter",
                $"The request must contain the parameter Platform: a VM imported with BootMode {bootMode} from an EBS snapshot needs its platform (Windows or Linux).");
        }

        ImportRequestRules.CheckEncryption(request.Encrypted, request.KmsKeyId);
        var roleName = ImportRequestRules.ValidateRoleName(request.RoleName);
        var clientToken = ImportRequestRules.ValidateClientToken(request.ClientToken);
        var licenseArns = ValidateLicenseSpecifications(request.LicenseSpecifications);
        var tags = ImportRequestRules.ValidateTagSpecifications(request.TagSpecifications, ResourceKind.ImportImageTask, "ImportImage");

        var parameters = new ImportImageParameters
        {
            Description = request.Description,
            Disks = disks.Select(d => d.Parameters).ToList(),
            Architecture = architecture,
            Platform = platform,
            Hypervisor = hypervisor,
            LicenseType = licenseType,
            UsageOperation = usageOperation,
            BootMode = bootMode,
            Encrypted = request.Encrypted == true,
            KmsKeyId = string.IsNullOrEmpty(request.KmsKeyId) ? null : request.KmsKeyId,
            RoleName = roleName,
            LicenseConfigurationArns = licenseArns,
            ClientComment = request.ClientData?.Comment,
            ClientUploadStart = request.ClientData?.UploadStart,
            ClientUploadEnd = request.ClientData?.UploadEnd,
            ClientUploadSize = request.ClientData?.UploadSize,
            Tags = tags.Select(t => KeyValuePair.Create(t.Key, t.Value)).ToList(),
        };

        return new ValidatedImportImage(parameters, disks, tags, clientToken);
    }

    private static ValidatedImageDisk ValidateDisk(ImageDiskContainer? container, int index)
    {
        var parameter = $"DiskContainer.{index + 1}";
        if (container is null)
        {
            throw Ec2Errors.MissingParameter($"{parameter}.Format");
        }

        ImportRequestRules.CheckLength($"{parameter}.Description", container.Description);
        if (!string.IsNullOrEmpty(container.DeviceName) && !DeviceNamePattern().IsMatch(container.DeviceName))
        {
            throw Ec2Errors.InvalidValue($"{parameter}.DeviceName", container.DeviceName, "Give a device name such as /dev/sda1 or /dev/sdb.");
        }

        var deviceName = string.IsNullOrEmpty(container.DeviceName) ? null : container.DeviceName;
        if (!string.IsNullOrEmpty(container.SnapshotId))
        {
            if (!string.IsNullOrEmpty(container.Format) || !string.IsNullOrEmpty(container.Url) || container.UserBucket is not null)
            {
                throw Ec2Errors.InvalidParameterCombination(
                    $"{parameter} gives a SnapshotId: it takes the disk from that snapshot, so Format, Url and UserBucket cannot be given with it.");
            }

            var snapshotId = ResourceKind.Snapshot.RequireWellFormed(container.SnapshotId);
            return new ValidatedImageDisk(
                new ImportImageDiskParameters { Description = container.Description, DeviceName = deviceName, SnapshotId = snapshotId },
                null,
                snapshotId);
        }

        var format = DiskImageFormat.ParseForImportImage($"{parameter}.Format", container.Format);
        var source = ImportRequestRules.ParseSource(parameter, container.Url, container.UserBucket);
        return new ValidatedImageDisk(
            new ImportImageDiskParameters
            {
                Description = container.Description,
                DeviceName = deviceName,
                Format = format,
                Url = source.EchoedUrl,
                S3Bucket = source.FromUserBucket ? source.Location!.Bucket : null,
                S3Key = source.FromUserBucket ? source.Location!.Key : null,
            },
            source,
            null);
    }

    private static string? ParseArchitecture(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        if (value.Trim().ToLowerInvariant() is "arm64" or "arm64_mac")
        {
            throw Ec2Errors.InvalidParameterValue("ARM64 VMs are not supported by VM Import. Valid values for Architecture: i386, x86_64.");
        }

        return ParseChoice("Architecture", value, Architectures);
    }

    /// <summary>The allowed value matching <paramref name="value"/> in any case, in its documented casing; null when absent.</summary>
    private static string? ParseChoice(string parameter, string? value, IReadOnlyList<string> allowed)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        return allowed.FirstOrDefault(a => string.Equals(a, value.Trim(), StringComparison.OrdinalIgnoreCase))
            ?? throw Ec2Errors.InvalidValue(parameter, value, $"Valid values: {string.Join(", ", allowed)}.");
    }

    private static (string? LicenseType, string? UsageOperation) ParseLicense(string? licenseType, string? usageOperation)
    {
        var hasLicenseType = !string.IsNullOrEmpty(licenseType);
        var hasUsageOperation = !string.IsNullOrEmpty(usageOperation);
        if (hasLicenseType && hasUsageOperation)
        {
            throw Ec2Errors.InvalidParameterCombination("LicenseType and UsageOperation cannot both be given; choose the license with one of them.");
        }

        if (hasLicenseType)
        {
            return (LicenseTypes.Normalise(licenseType)
                ?? throw Ec2Errors.InvalidValue("LicenseType", licenseType, $"Valid values: {string.Join(", ", LicenseTypes.All)}."), null);
        }

        if (hasUsageOperation)
        {
            var code = UsageOperationCodes.Find(usageOperation)
                ?? throw Ec2Errors.InvalidValue("UsageOperation", usageOperation, $"Valid values: {string.Join(", ", UsageOperationCodes.All.Select(c => c.Code))}.");
            return (null, code.Code);
        }

        return (null, null);
    }

    private static IReadOnlyList<string> ValidateLicenseSpecifications(List<ImportImageLicenseConfigurationRequest>? specifications)
    {
        if (specifications is null || specifications.Count == 0)
        {
            return [];
        }

        if (specifications.Count > MaxLicenseSpecifications)
        {
            throw Ec2Errors.InvalidParameterValue($"The request gives {specifications.Count} license specifications; at most {MaxLicenseSpecifications} are allowed.");
        }

        var arns = new List<string>();
        for (var i = 0; i < specifications.Count; i++)
        {
            var arn = specifications[i]?.LicenseConfigurationArn;
            if (string.IsNullOrEmpty(arn))
            {
                throw Ec2Errors.MissingParameter($"LicenseSpecifications.{i + 1}.LicenseConfigurationArn");
            }

            if (!LicenseConfigurationArnPattern().IsMatch(arn))
            {
                throw Ec2Errors.InvalidValue($"LicenseSpecifications.{i + 1}.LicenseConfigurationArn", arn,
                    "Expecting arn:aws:license-manager:<region>:<account>:license-configuration:lic-<id>.");
            }

            if (!arns.Contains(arn, StringComparer.Ordinal))
            {
                arns.Add(arn);
            }
        }

        return arns;
    }

    [GeneratedRegex(@"^/dev/(sd|xvd)[a-z]{1,2}[0-9]{0,2}$", RegexOptions.CultureInvariant)]
    private static partial Regex DeviceNamePattern();

    [GeneratedRegex(@"^arn:aws[a-z-]*:license-manager:[a-z0-9-]+:[0-9]{12}:license-configuration:lic-[0-9a-f]{32}$", RegexOptions.CultureInvariant)]
    private static partial Regex LicenseConfigurationArnPattern();
}

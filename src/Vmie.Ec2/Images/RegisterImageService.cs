using Vmie.Ec2.Contracts.Images;
using Vmie.Ec2.Errors;
using Vmie.Ec2.Persistence;
using Vmie.Ec2.Requests;
using Vmie.Ec2.Resources;
using Vmie.Ec2.Tags;
using Vmie.Ec2.Volumes;

namespace Vmie.Ec2.Images;

/// <summary>
/// RegisterImage from EBS snapshots: the "import without modifications" path of spec §2.7 (ImportSnapshot, then
/// RegisterImage with the snapshot as root volume). AWS validates nothing about bootability on this path, and
/// neither does vmie: the AMI is available at once.
/// </summary>
public sealed class RegisterImageService
{
    public const int MaxDescriptionLength = 255;

    /// <summary>The volume type of a mapping that names none (the type of the mappings ImportImage makes).</summary>
    public const string DefaultVolumeType = VolumeTypeRules.Gp2;

    /// <summary>PlatformDetails of a registered AMI (spec §8.3: Linux/UNIX, no licence billing).</summary>
    public const string LinuxPlatformDetails = "Linux/UNIX";

    /// <summary>UsageOperation of a registered AMI (spec §8.3: the code of Linux/UNIX).</summary>
    public const string LinuxUsageOperation = "RunInstances";

    public const string TpmVersion = "v2.0";
    public const string ImdsVersion = "v2.0";

    private readonly ImageRepository _images;
    private readonly SnapshotRepository _snapshots;
    private readonly TimeProvider _time;

    public RegisterImageService(ImageRepository images, SnapshotRepository snapshots, TimeProvider time)
    {
        _images = images;
        _snapshots = snapshots;
        _time = time;
    }

    public async Task<RegisterImageResult> RegisterAsync(RegisterImageRequest request, Ec2RequestContext context, CancellationToken cancellationToken = default)
    {
        var name = ImageNameRules.Require(request.Name);
        if (request.Description is { Length: > MaxDescriptionLength })
        {
            throw Ec2Errors.InvalidParameterValue($"The parameter description is longer than {MaxDescriptionLength} characters.");
        }

        var architecture = ImageArchitectures.Resolve(request.Architecture);
        if (!string.IsNullOrEmpty(request.VirtualizationType) && !request.VirtualizationType.Equals(ImageRecord.HvmVirtualization, StringComparison.OrdinalIgnoreCase))
        {
            throw Ec2Errors.InvalidValue("VirtualizationType", request.VirtualizationType, "Only hvm AMIs can be registered.");
        }

        var tpmSupport = RequireVersion("TpmSupport", request.TpmSupport, TpmVersion);
        var imdsSupport = RequireVersion("ImdsSupport", request.ImdsSupport, ImdsVersion);
        var bootMode = BootModes.Resolve(request.BootMode, architecture, tpmSupport);

        var mappings = request.BlockDeviceMappings ?? [];
        if (mappings.Count == 0)
        {
            throw Ec2Errors.MissingParameter("BlockDeviceMapping");
        }

        if (string.IsNullOrEmpty(request.RootDeviceName))
        {
            throw Ec2Errors.MissingParameter("rootDeviceName");
        }

        var rootDeviceName = request.RootDeviceName;
        if (!DeviceNames.IsValid(rootDeviceName))
        {
            throw InvalidMapping($"Invalid device name {rootDeviceName}.");
        }

        var tags = CreationTags.Validate(request.TagSpecifications, ResourceKind.Image, "RegisterImage");
        var devices = await ResolveMappingsAsync(mappings, context, cancellationToken);
        if (!devices.Any(d => d.DeviceName == rootDeviceName))
        {
            throw InvalidMapping($"The root device name {rootDeviceName} is not in the block device mapping; map it to a snapshot.");
        }

        if (request.DryRun == true)
        {
            throw Ec2Errors.DryRunOperation();
        }

        var image = new ImageRecord
        {
            Id = ResourceKind.Image.NewId(),
            AccountId = context.AccountId,
            Region = context.Region,
            Name = name,
            Description = request.Description,
            State = "available",
            Architecture = architecture,
            Platform = null,
            PlatformDetails = LinuxPlatformDetails,
            UsageOperation = LinuxUsageOperation,
            BootMode = bootMode,
            EnaSupport = request.EnaSupport == true,
            TpmSupport = tpmSupport,
            ImdsSupport = imdsSupport,
            RootDeviceName = rootDeviceName,
            CreationDate = _time.GetUtcNow(),
            BlockDevices = devices,
        };

        var outcome = await _images.InsertAsync(image, tags, cancellationToken);
        return outcome.Result switch
        {
            ImageInsertResult.Inserted => new RegisterImageResult { ImageId = image.Id },
            ImageInsertResult.NameTaken => throw new Ec2Exception("InvalidAMIName.Duplicate", $"AMI name {name} is already in use by AMI {outcome.Conflict}"),
            ImageInsertResult.SnapshotNotFound => throw ResourceKind.Snapshot.NotFound(outcome.Conflict!),
            _ => throw new InvalidOperationException($"Unknown image insert result {outcome.Result}."),
        };
    }

    private async Task<IReadOnlyList<ImageBlockDeviceRecord>> ResolveMappingsAsync(List<BlockDeviceMapping> mappings, Ec2RequestContext context, CancellationToken cancellationToken)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var snapshotIds = new List<string>();
        foreach (var mapping in mappings)
        {
            if (string.IsNullOrEmpty(mapping.DeviceName))
            {
                throw Ec2Errors.MissingParameter("BlockDeviceMapping.N.DeviceName");
            }

            if (!DeviceNames.IsValid(mapping.DeviceName))
            {
                throw InvalidMapping($"Invalid device name {mapping.DeviceName}.");
            }

            // /dev/sdb and sdb are one device.
            if (!seen.Add(mapping.DeviceName.StartsWith("/dev/", StringComparison.Ordinal) ? mapping.DeviceName[5..] : mapping.DeviceName))
            {
                throw InvalidMapping($"The device '{mapping.DeviceName}' is used in more than one block-device mapping.");
            }

            if (string.IsNullOrEmpty(mapping.Ebs?.SnapshotId))
            {
                throw InvalidMapping($"The device {mapping.DeviceName} has no Ebs.SnapshotId: this vmie registers AMIs from snapshots only (no empty or instance-store volumes).");
            }

            snapshotIds.Add(ResourceKind.Snapshot.RequireWellFormed(mapping.Ebs.SnapshotId));
        }

        var snapshots = (await _snapshots.FindManyAsync(context.AccountId, context.Region, snapshotIds.Distinct(StringComparer.Ordinal).ToList(), cancellationToken))
            .ToDictionary(s => s.Id, StringComparer.Ordinal);
        var devices = new List<ImageBlockDeviceRecord>(mappings.Count);
        foreach (var mapping in mappings)
        {
            var ebs = mapping.Ebs!;
            if (!snapshots.TryGetValue(ebs.SnapshotId!, out var snapshot) || snapshot.State != "completed")
            {
                throw ResourceKind.Snapshot.NotFound(ebs.SnapshotId!);
            }

            var size = ebs.VolumeSize ?? snapshot.VolumeSize;
            if (size < snapshot.VolumeSize)
            {
                throw InvalidMapping($"Volume of size {size} is smaller than snapshot '{snapshot.Id}', expect size >= {snapshot.VolumeSize}");
            }

            if (ebs.Encrypted is { } encrypted && encrypted != snapshot.Encrypted)
            {
                throw Ec2Errors.InvalidParameterCombination(
                    $"The device {mapping.DeviceName} asks Encrypted={(encrypted ? "true" : "false")} but snapshot {snapshot.Id} is {(snapshot.Encrypted ? "encrypted" : "not encrypted")}; an AMI maps its snapshots as they are.");
            }

            if (!string.IsNullOrEmpty(ebs.KmsKeyId) && ebs.KmsKeyId != snapshot.KmsKeyId)
            {
                throw Ec2Errors.InvalidParameterCombination(
                    $"The device {mapping.DeviceName} asks KMS key {ebs.KmsKeyId} but snapshot {snapshot.Id} is not encrypted with it; an AMI maps its snapshots as they are.");
            }

            var configuration = VolumeTypeRules.Resolve(ebs.VolumeType, size, ebs.Iops, ebs.Throughput, DefaultVolumeType);
            devices.Add(new ImageBlockDeviceRecord
            {
                DeviceName = mapping.DeviceName!,
                SnapshotId = snapshot.Id,
                VolumeSize = configuration.Size,
                VolumeType = configuration.VolumeType,
                // AMIs list no IOPS for gp2 mappings: they follow from the size of the volume launched.
                Iops = configuration.VolumeType == VolumeTypeRules.Gp2 ? null : configuration.Iops,
                Throughput = configuration.Throughput,
                DeleteOnTermination = ebs.DeleteOnTermination ?? true,
                Encrypted = snapshot.Encrypted,
                KmsKeyId = snapshot.Encrypted ? snapshot.KmsKeyId : null,
            });
        }

        return devices;
    }

    private static string? RequireVersion(string parameter, string? value, string version)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        return value == version ? value : throw Ec2Errors.InvalidValue(parameter, value, $"Expecting {version}.");
    }

    private static Ec2Exception InvalidMapping(string message) => new("InvalidBlockDeviceMapping", message);
}

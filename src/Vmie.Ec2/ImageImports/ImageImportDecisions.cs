using System.Text.Json;
using System.Text.Json.Serialization;
using Vmie.Guest.Inspection;
using Vmie.Guest.Windows;

namespace Vmie.Ec2.ImageImports;

/// <summary>
/// What an import-image task decided for its AMI from the guest and the request (spec §4.3, §8; issue 5 point 4): the
/// pipeline's platform, architecture, boot mode, ENA and licensing, and, once the task completed, the AMI's ID. Stored
/// as the task's result_json; a decided value replaces the requested one in DescribeImportImageTasks.
/// </summary>
public sealed record ImageImportDecisions
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>The AMI's Platform: "windows", or null for Linux/UNIX (EC2 shows no Platform then).</summary>
    public string? Platform { get; init; }

    /// <summary>The AMI's Architecture: x86_64 (i386 only for a 32-bit Windows guest).</summary>
    public required string Architecture { get; init; }

    /// <summary>The AMI's BootMode: <see cref="ImageBootMode.LegacyBios"/> or <see cref="ImageBootMode.Uefi"/>.</summary>
    public required string BootMode { get; init; }

    /// <summary>The modes the guest can boot in, as inspection found them.</summary>
    public required BootModes SupportedBootModes { get; init; }

    /// <summary>The AMI's EnaSupport: the guest's default kernel has the ENA driver (Windows: false until its drivers are inspected).</summary>
    public required bool EnaSupport { get; init; }

    public required OperatingSystemKind OperatingSystem { get; init; }

    /// <summary>"Debian GNU/Linux 12 (bookworm)", "Windows Server 2019 Datacenter"...</summary>
    public string? OperatingSystemName { get; init; }

    /// <summary>For Windows: the product of the support table (Unknown when not told).</summary>
    public WindowsProduct? WindowsProduct { get; init; }

    /// <summary>For Windows: a server (licensing default AWS) or a client (BYOL only); null when not Windows or not known.</summary>
    public bool? IsWindowsServer { get; init; }

    /// <summary>A Windows GPT boot disk that the import converts to MBR to boot in legacy BIOS (spec §4.3).</summary>
    public bool GptToMbrConversion { get; init; }

    /// <summary>AWS or BYOL (spec §8.2), from the request or the guest's default.</summary>
    public required string LicenseType { get; init; }

    /// <summary>The AMI's PlatformDetails: "Linux/UNIX", "Windows", "Windows BYOL"... (spec §8.3).</summary>
    public required string PlatformDetails { get; init; }

    /// <summary>The AMI's UsageOperation: "RunInstances", "RunInstances:0002"... (spec §8.3).</summary>
    public required string UsageOperation { get; init; }

    /// <summary>The AMI made, once the task completed.</summary>
    public string? ImageId { get; init; }

    /// <summary>The task's Platform as ImportImageTask shows it: Windows or Linux.</summary>
    [JsonIgnore]
    public string TaskPlatform => OperatingSystem == OperatingSystemKind.Windows ? "Windows" : "Linux";

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    public static ImageImportDecisions FromJson(string json) =>
        JsonSerializer.Deserialize<ImageImportDecisions>(json, JsonOptions)
        ?? throw new InvalidOperationException("The stored import-image decisions are empty.");

    /// <returns>The stored decisions, or null when the task has not stored any (it has not completed).</returns>
    public static ImageImportDecisions? FromStored(string? json) => string.IsNullOrEmpty(json) ? null : FromJson(json);
}

using System.Text.Json;
using System.Text.Json.Serialization;
using Vmie.Guest.Inspection;
using Vmie.Guest.Windows;

namespace Vmie.Ec2.ImageImports;

/// <summary>
/// What the pipeline decided for the AMI from the guest and the request (spec §4.3; issue 5 point 4), and the OS
/// facts the licensing rules (§8) need. Stored as the task's result_json.
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

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    public static ImageImportDecisions FromJson(string json) =>
        JsonSerializer.Deserialize<ImageImportDecisions>(json, JsonOptions)
        ?? throw new InvalidOperationException("The stored import-image decisions are empty.");
}

using System.Text.Json;
using System.Text.Json.Serialization;

namespace Vmie.Ec2.Imports;

/// <summary>
/// What the import image pipeline decided from the data, stored as the task's result_json: the AMI it made and
/// the platform, architecture, boot mode and licensing it found. A decided value replaces the requested one in
/// DescribeImportImageTasks.
/// </summary>
public sealed record ImportImageDecisions
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public string? ImageId { get; init; }

    /// <summary>Windows or Linux, as ImportImageTask shows it.</summary>
    public string? Platform { get; init; }

    public string? Architecture { get; init; }

    public string? BootMode { get; init; }

    public string? LicenseType { get; init; }

    public string? PlatformDetails { get; init; }

    public string? UsageOperation { get; init; }

    public bool? EnaSupport { get; init; }

    /// <summary>True when a Windows GPT boot disk is converted to MBR (spec §4.3).</summary>
    public bool? ConvertGptToMbr { get; init; }

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    /// <returns>The decisions, or an empty record when none are stored yet.</returns>
    public static ImportImageDecisions FromJson(string? json) =>
        string.IsNullOrEmpty(json)
            ? new ImportImageDecisions()
            : JsonSerializer.Deserialize<ImportImageDecisions>(json, JsonOptions) ?? new ImportImageDecisions();
}

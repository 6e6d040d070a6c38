using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Vmie.Ec2.Imports;

/// <summary>
/// An ImportImage request after validation, in the form stored with the task (request_json) and compared for
/// client-token idempotency. It never holds secrets: URLs keep no query string. Values are normalised
/// (Format, LicenseType upper-case; Platform Windows/Linux; BootMode, Architecture, Hypervisor lower-case).
/// </summary>
public sealed record ImportImageParameters
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public string? Description { get; init; }

    /// <summary>In request order; the first is the boot disk.</summary>
    public required IReadOnlyList<ImportImageDiskParameters> Disks { get; init; }

    public string? Architecture { get; init; }

    public string? Platform { get; init; }

    public string? Hypervisor { get; init; }

    /// <summary>AWS or BYOL as asked; null when not given (the task decides from the guest, spec §8.2).</summary>
    public string? LicenseType { get; init; }

    public string? UsageOperation { get; init; }

    public string? BootMode { get; init; }

    public bool Encrypted { get; init; }

    public string? KmsKeyId { get; init; }

    /// <summary>Recorded only: vmie has no IAM, so the role is neither looked up nor assumed.</summary>
    public required string RoleName { get; init; }

    public IReadOnlyList<string> LicenseConfigurationArns { get; init; } = [];

    public string? ClientComment { get; init; }

    public DateTime? ClientUploadStart { get; init; }

    public DateTime? ClientUploadEnd { get; init; }

    public double? ClientUploadSize { get; init; }

    /// <summary>Creation tags in request order, as key/value pairs.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Tags { get; init; } = [];

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    public static ImportImageParameters FromJson(string json) =>
        JsonSerializer.Deserialize<ImportImageParameters>(json, JsonOptions)
        ?? throw new InvalidDataException("The stored ImportImage request is empty.");

    /// <summary>A digest of everything the caller asked for, to tell a retry from a different request.</summary>
    public string Fingerprint() => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(ToJson())));
}

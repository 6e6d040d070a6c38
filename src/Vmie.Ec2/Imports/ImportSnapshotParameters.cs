using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Vmie.Ec2.Imports;

/// <summary>
/// An ImportSnapshot request after validation, in the form stored with the task (request_json) and compared
/// for client-token idempotency. It never holds secrets: a URL keeps no query string.
/// </summary>
public sealed record ImportSnapshotParameters
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public string? Description { get; init; }

    public string? DiskDescription { get; init; }

    /// <summary>Upper-cased: VHD, VHDX, VMDK or RAW.</summary>
    public required string Format { get; init; }

    /// <summary>The source URL as echoed to clients (no query string, no user info).</summary>
    public string? Url { get; init; }

    public string? S3Bucket { get; init; }

    public string? S3Key { get; init; }

    public bool Encrypted { get; init; }

    public string? KmsKeyId { get; init; }

    public required string RoleName { get; init; }

    public string? ClientComment { get; init; }

    public DateTime? ClientUploadStart { get; init; }

    public DateTime? ClientUploadEnd { get; init; }

    public double? ClientUploadSize { get; init; }

    /// <summary>Creation tags in request order, as key/value pairs.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Tags { get; init; } = [];

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    public static ImportSnapshotParameters FromJson(string json) =>
        JsonSerializer.Deserialize<ImportSnapshotParameters>(json, JsonOptions)
        ?? throw new InvalidDataException("The stored ImportSnapshot request is empty.");

    /// <summary>A digest of everything the caller asked for, to tell a retry from a different request.</summary>
    public string Fingerprint() => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(ToJson())));
}

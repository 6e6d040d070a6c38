using System.Security.Cryptography;
using Vmie.Ec2.Errors;

namespace Vmie.Ec2.Resources;

/// <summary>
/// A kind of EC2 resource with an ID of the form prefix + hex (17 digits today, 8 in older IDs): how new
/// IDs are made, how IDs given by callers are checked, and the errors EC2 answers for bad or unknown ones.
/// </summary>
public sealed class ResourceKind
{
    private const int HexDigits = 17;
    private const int LegacyHexDigits = 8;

    public static readonly ResourceKind ImportSnapshotTask = new(
        "import-snap-", "import-snapshot-task", "InvalidConversionTaskId.Malformed", "InvalidConversionTaskId.Malformed", id => $"The import task '{id}' does not exist.");

    public static readonly ResourceKind ImportImageTask = new(
        "import-ami-", "import-image-task", "InvalidConversionTaskId.Malformed", "InvalidConversionTaskId.Malformed", id => $"The import task '{id}' does not exist.");

    public static readonly ResourceKind ExportImageTask = new(
        "export-ami-", "export-image-task", "InvalidExportTaskID.Malformed", "InvalidExportTaskID.NotFound", id => $"The export task '{id}' does not exist.");

    public static readonly ResourceKind ExportInstanceTask = new(
        "export-i-", "export-instance-task", "InvalidExportTaskID.Malformed", "InvalidExportTaskID.NotFound", id => $"The export task '{id}' does not exist.");

    public static readonly ResourceKind Snapshot = new(
        "snap-", "snapshot", "InvalidSnapshotID.Malformed", "InvalidSnapshot.NotFound", id => $"The snapshot '{id}' does not exist.");

    public static readonly ResourceKind Volume = new(
        "vol-", "volume", "InvalidVolumeID.Malformed", "InvalidVolume.NotFound", id => $"The volume '{id}' does not exist.");

    public static readonly ResourceKind Image = new(
        "ami-", "image", "InvalidAMIID.Malformed", "InvalidAMIID.NotFound", id => $"The image id '[{id}]' does not exist");

    public static readonly ResourceKind Instance = new(
        "i-", "instance", "InvalidInstanceID.Malformed", "InvalidInstanceID.NotFound", id => $"The instance ID '{id}' does not exist");

    /// <summary>Every kind, longest prefix first so that "import-snap-" is tried before "snap-" would be.</summary>
    public static readonly IReadOnlyList<ResourceKind> All =
        new[] { ImportSnapshotTask, ImportImageTask, ExportImageTask, ExportInstanceTask, Snapshot, Volume, Image, Instance }
            .OrderByDescending(k => k.Prefix.Length)
            .ToArray();

    private readonly string _malformedCode;
    private readonly string _notFoundCode;
    private readonly Func<string, string> _notFoundMessage;

    private ResourceKind(string prefix, string resourceType, string malformedCode, string notFoundCode, Func<string, string> notFoundMessage)
    {
        Prefix = prefix;
        ResourceType = resourceType;
        _malformedCode = malformedCode;
        _notFoundCode = notFoundCode;
        _notFoundMessage = notFoundMessage;
    }

    /// <summary>"snap-", "import-snap-"...</summary>
    public string Prefix { get; }

    /// <summary>The ResourceType enum value used by tags: "snapshot", "import-snapshot-task"...</summary>
    public string ResourceType { get; }

    /// <summary>A fresh ID: the prefix and 17 lowercase hex digits from a CSPRNG.</summary>
    public string NewId() => Prefix + RandomNumberGenerator.GetHexString(HexDigits, lowercase: true);

    /// <summary>True when <paramref name="id"/> is this prefix followed by 8 or 17 lowercase hex digits.</summary>
    public bool IsWellFormed(string? id)
    {
        if (id is null || !id.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var digits = id.AsSpan(Prefix.Length);
        if (digits.Length != HexDigits && digits.Length != LegacyHexDigits)
        {
            return false;
        }

        foreach (var c in digits)
        {
            if (!char.IsAsciiDigit(c) && c is not (>= 'a' and <= 'f'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Returns the ID when well formed, else throws this kind's Malformed error.</summary>
    public string RequireWellFormed(string? id) => IsWellFormed(id) ? id! : throw Malformed(id);

    public Ec2Exception Malformed(string? id) =>
        new(_malformedCode, $"Invalid id: \"{id}\" (expecting \"{Prefix}...\")");

    public Ec2Exception NotFound(string id) =>
        new(_notFoundCode, _notFoundMessage(id));

    /// <summary>The kind whose prefix <paramref name="id"/> starts with, or null.</summary>
    public static ResourceKind? FromPrefix(string? id) =>
        id is null ? null : All.FirstOrDefault(k => id.StartsWith(k.Prefix, StringComparison.Ordinal));

    public override string ToString() => ResourceType;
}

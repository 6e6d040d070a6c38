namespace Vmie.Guest.Inspection;

/// <summary>One volume of the report: where it is, what it holds, and why its file system could not be read, if so.</summary>
public sealed record InspectedVolume(
    string DeviceName,
    int DiskIndex,
    int? PartitionNumber,
    string PartitionType,
    long Length,
    string Content,
    string? Label,
    string? Uuid,
    string? FileSystemError);

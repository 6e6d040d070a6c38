namespace Vmie.Disks.Ova;

/// <summary>
/// A References/File element of an OVF descriptor (DSP0243 §7.1): the file's id, its href (a member of the
/// OVA), and the optional size, chunkSize and compression attributes.
/// </summary>
public sealed record OvfFileReference(string Id, string Href, long? Size, long? ChunkSize, string? Compression);

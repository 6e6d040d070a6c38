namespace Vmie.Guest.FileSystems;

/// <summary>One name in a directory (never "." or ".."), with the node it names.</summary>
public sealed record GuestDirectoryEntry(string Name, GuestNode Node);

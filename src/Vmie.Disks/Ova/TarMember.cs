namespace Vmie.Disks.Ova;

/// <summary>A regular file stored in a tar archive: its full name and where its bytes lie in the archive.</summary>
public sealed record TarMember(string Name, long DataOffset, long Size);

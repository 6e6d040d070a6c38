namespace Vmie.Guest.FileSystems.Btrfs;

/// <summary>
/// A subvolume or snapshot other than the top-level tree (id 5), found by its ROOT_REF in the root tree.
/// <paramref name="Path"/> is relative to the top-level subvolume, "/"-separated, as `btrfs subvolume list` prints it.
/// </summary>
public sealed record BtrfsSubvolume(ulong Id, ulong ParentId, string Path);

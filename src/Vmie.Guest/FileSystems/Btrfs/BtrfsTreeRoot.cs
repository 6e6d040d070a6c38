namespace Vmie.Guest.FileSystems.Btrfs;

/// <summary>Where a tree starts: its root block's logical address, level and generation, as its parent names them.</summary>
internal readonly record struct BtrfsTreeRoot(ulong Id, ulong Bytenr, byte Level, ulong Generation);

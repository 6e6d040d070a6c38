namespace Vmie.Guest.FileSystems.Btrfs;

/// <summary>One leaf item: its key and its data (a slice of a cached tree block: never written to).</summary>
internal readonly record struct BtrfsItem(BtrfsKey Key, ReadOnlyMemory<byte> Data);

namespace Vmie.Storage.Snapshots;

/// <summary>One stored block of a snapshot: where it sits and which block holds its bytes.</summary>
/// <param name="Index">Block index (offset = index × block size).</param>
/// <param name="Hash">Content hash of the block.</param>
/// <param name="Length">Byte length of the block (the block size, less only for the last block).</param>
internal readonly record struct ManifestEntry(long Index, BlockHash Hash, int Length);

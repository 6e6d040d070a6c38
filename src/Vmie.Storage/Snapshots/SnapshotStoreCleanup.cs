namespace Vmie.Storage.Snapshots;

/// <summary>What <see cref="FileSnapshotStore.RemoveOrphansAsync"/> removed.</summary>
/// <param name="AbandonedSnapshots">Snapshots whose writer never committed (e.g. the process died) and were released.</param>
/// <param name="TempFilesRemoved">Temp files of block writes that never completed.</param>
/// <param name="BlocksRemoved">Block files that no snapshot references any more.</param>
public sealed record SnapshotStoreCleanup(int AbandonedSnapshots, int TempFilesRemoved, int BlocksRemoved);

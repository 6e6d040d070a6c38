using Vmie.Disks.Abstractions;

namespace Vmie.Storage.Snapshots;

/// <summary>
/// Snapshot contents: a manifest of fixed-size blocks, each block stored once under its content
/// hash; all-zero blocks are not stored at all. A committed snapshot reads back as a virtual disk.
/// </summary>
public interface ISnapshotStore
{
    /// <summary>The block size in bytes (a power of two, 1 MiB by default).</summary>
    int BlockSize { get; }

    /// <summary>
    /// Starts writing the contents of <paramref name="snapshotId"/>. Blocks may be written in any
    /// order and from several threads; nothing is visible until <see cref="ISnapshotWriter.CommitAsync"/>.
    /// Abandoning the writer (dispose without commit) releases every block it added.
    /// </summary>
    Task<ISnapshotWriter> BeginAsync(string snapshotId, long capacity, CancellationToken cancellationToken = default);

    /// <summary>Opens a committed snapshot as a virtual disk (KeyNotFoundException when unknown).</summary>
    Task<IVirtualDisk> OpenAsync(string snapshotId, CancellationToken cancellationToken = default);

    /// <summary>Deletes a snapshot's manifest and releases the blocks no other snapshot uses.</summary>
    Task DeleteAsync(string snapshotId, CancellationToken cancellationToken = default);

    /// <summary>Bytes held by stored blocks (each distinct block counted once).</summary>
    Task<long> StoredBytesAsync(CancellationToken cancellationToken = default);
}

public interface ISnapshotWriter : IAsyncDisposable
{
    long Capacity { get; }

    /// <summary>
    /// Stores block <paramref name="blockIndex"/> (offset = index × BlockSize). <paramref name="data"/>
    /// is BlockSize long, or shorter only for the last block. An all-zero block records nothing.
    /// </summary>
    ValueTask WriteBlockAsync(long blockIndex, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default);

    /// <summary>Makes the snapshot visible, atomically.</summary>
    Task CommitAsync(CancellationToken cancellationToken = default);
}

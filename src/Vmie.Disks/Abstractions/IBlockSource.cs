namespace Vmie.Disks.Abstractions;

/// <summary>
/// Random-access bytes: a local file, an object in the object store, or a snapshot.
/// Every format reader sits on one of these.
/// </summary>
public interface IBlockSource : IAsyncDisposable
{
    /// <summary>Total length in bytes.</summary>
    long Length { get; }

    /// <summary>
    /// Reads up to <paramref name="buffer"/>.Length bytes at <paramref name="offset"/>.
    /// Returns fewer bytes only at the end of the source; 0 at or past the end.
    /// </summary>
    ValueTask<int> ReadAtAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken = default);
}

using Vmie.Disks.Abstractions;

namespace Vmie.Guest.Fuzz.Harness;

/// <summary>
/// Passes reads through to a real image and notes every sector they touch: running a target over it tells which
/// sectors a seed must keep (<see cref="PackedBlockSource.Pack"/>). Reads may come from several threads.
/// </summary>
public sealed class RecordingBlockSource(IBlockSource inner) : IBlockSource
{
    private readonly HashSet<long> _sectors = [];

    public long Length => inner.Length;

    public IReadOnlyCollection<long> SectorsRead
    {
        get
        {
            lock (_sectors)
            {
                return [.. _sectors];
            }
        }
    }

    public async ValueTask<int> ReadAtAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await inner.ReadAtAsync(offset, buffer, cancellationToken).ConfigureAwait(false);
        if (read > 0)
        {
            lock (_sectors)
            {
                for (var sector = offset / PackedBlockSource.SectorSize; sector <= (offset + read - 1) / PackedBlockSource.SectorSize; sector++)
                {
                    _sectors.Add(sector);
                }
            }
        }

        return read;
    }

    public ValueTask DisposeAsync() => inner.DisposeAsync();
}

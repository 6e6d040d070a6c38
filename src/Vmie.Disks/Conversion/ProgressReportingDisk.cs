using Vmie.Disks.Abstractions;
using Vmie.Disks.Writing;

namespace Vmie.Disks.Conversion;

/// <summary>
/// Reports the furthest offset read from a disk, for writers that take no progress callback of their own:
/// they read the source front to back, so the furthest read is how far the conversion is.
/// </summary>
internal sealed class ProgressReportingDisk : IVirtualDisk
{
    private readonly IVirtualDisk _inner;
    private readonly IProgress<long> _progress;
    private long _reached;

    private ProgressReportingDisk(IVirtualDisk inner, IProgress<long> progress)
    {
        _inner = inner;
        _progress = progress;
    }

    public static IVirtualDisk Wrap(IVirtualDisk disk, IProgress<long>? progress) =>
        progress is null ? disk : new ProgressReportingDisk(disk, progress);

    public long Capacity => _inner.Capacity;

    public IAsyncEnumerable<DiskExtent> GetAllocatedExtentsAsync(CancellationToken cancellationToken = default) =>
        _inner.GetAllocatedExtentsAsync(cancellationToken);

    public async ValueTask<int> ReadAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await _inner.ReadAsync(offset, buffer, cancellationToken).ConfigureAwait(false);
        var end = offset + read;
        if (FurthestOffset.Raise(ref _reached, end) == end)
        {
            _progress.Report(end);
        }

        return read;
    }

    // The wrapped disk belongs to the caller.
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

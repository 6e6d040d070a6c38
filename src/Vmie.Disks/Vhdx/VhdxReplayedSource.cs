using Vmie.Disks.Abstractions;

namespace Vmie.Disks.Vhdx;

/// <summary>
/// The VHDX file as it reads after its log is replayed: the underlying bytes with the log's writes laid
/// over them, and zeros where the log extended the file. The underlying file is never written.
/// </summary>
internal sealed class VhdxReplayedSource : IBlockSource
{
    private readonly IBlockSource _inner;
    private readonly VhdxLogOverlay _overlay;

    public VhdxReplayedSource(IBlockSource inner, VhdxLogOverlay overlay, long length)
    {
        _inner = inner;
        _overlay = overlay;
        Length = length;
    }

    public long Length { get; }

    public async ValueTask<int> ReadAtAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        if (offset >= Length)
        {
            return 0;
        }

        var wanted = (int)Math.Min(buffer.Length, Length - offset);
        var target = buffer[..wanted];
        var fromInner = offset < _inner.Length ? (int)Math.Min(wanted, _inner.Length - offset) : 0;
        var read = fromInner == 0 ? 0 : await _inner.ReadAtAsync(offset, target[..fromInner], cancellationToken).ConfigureAwait(false);
        if (read < fromInner)
        {
            throw new InvalidDiskImageException($"The VHDX file ended at byte {offset + read} although it declares {_inner.Length} bytes.");
        }

        target.Span[read..].Clear();
        _overlay.ApplyTo(offset, target.Span);
        return wanted;
    }

    /// <summary>The disk owns the underlying source, not this view.</summary>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

using Vmie.Disks.Abstractions;

namespace Vmie.Disks.Sources;

/// <summary>
/// A window [offset, offset + length) of another block source, such as one member of a tar archive.
/// It never owns the underlying source: whoever opened that source disposes it.
/// </summary>
public sealed class SliceBlockSource : IBlockSource
{
    private readonly IBlockSource _inner;
    private readonly long _offset;

    public SliceBlockSource(IBlockSource inner, long offset, long length)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (offset > inner.Length - length)
        {
            throw new ArgumentOutOfRangeException(nameof(length), $"The slice [{offset}, +{length}) extends past the end of its source ({inner.Length} bytes).");
        }

        _inner = inner;
        _offset = offset;
        Length = length;
    }

    public long Length { get; }

    public ValueTask<int> ReadAtAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        if (offset >= Length)
        {
            return ValueTask.FromResult(0);
        }

        var wanted = (int)Math.Min(buffer.Length, Length - offset);
        return _inner.ReadAtAsync(_offset + offset, buffer[..wanted], cancellationToken);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

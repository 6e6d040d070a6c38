using Vmie.Disks.Abstractions;

namespace Vmie.Guest.Windows.Registry;

/// <summary>
/// A seekable stream (a hive opened with GuestFiles.OpenRead, a local file) as random reads. Reads are
/// serialised because a stream has one position. The stream stays the caller's: it is not disposed here.
/// </summary>
internal sealed class StreamBlockSource : IBlockSource
{
    private readonly Stream _stream;
    private readonly SemaphoreSlim _gate = new(1, 1);

    public StreamBlockSource(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanRead || !stream.CanSeek)
        {
            throw new ArgumentException("A hive is read at random offsets: the stream must be readable and seekable.", nameof(stream));
        }

        _stream = stream;
        Length = stream.Length;
    }

    public long Length { get; }

    public async ValueTask<int> ReadAtAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _stream.Position = offset;
            var filled = 0;
            while (filled < buffer.Length)
            {
                var read = await _stream.ReadAsync(buffer[filled..], cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                filled += read;
            }

            return filled;
        }
        finally
        {
            _gate.Release();
        }
    }

    public ValueTask DisposeAsync()
    {
        _gate.Dispose();
        return ValueTask.CompletedTask;
    }
}

namespace Vmie.Storage.Objects;

/// <summary>A forward-only read stream over a byte range of an open object version.</summary>
internal sealed class ObjectRangeStream : Stream
{
    private readonly ObjectReadHandle _handle;
    private readonly long _end;
    private long _position;

    public ObjectRangeStream(ObjectReadHandle handle, long offset, long length)
    {
        _handle = handle;
        _position = offset;
        _end = offset + length;
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException("An object range stream is forward-only.");

    public override long Position
    {
        get => throw new NotSupportedException("An object range stream is forward-only.");
        set => throw new NotSupportedException("An object range stream is forward-only.");
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var wanted = (int)Math.Min(buffer.Length, _end - _position);
        if (wanted <= 0)
        {
            return 0;
        }

        var read = await _handle.ReadAtAsync(_position, buffer[..wanted], cancellationToken).ConfigureAwait(false);
        _position += read;
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) =>
        ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException("An object range stream is forward-only.");

    public override void SetLength(long value) => throw new NotSupportedException("An object range stream is read-only.");

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("An object range stream is read-only.");
}

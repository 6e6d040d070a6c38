namespace Vmie.Api.Auth.Payload;

/// <summary>
/// A request body read once, front to back, through a verifying layer: what every such layer shares
/// (no seeking, no writing, array reads mapped to span reads, ownership of the inner stream).
/// Derived classes implement the span and memory reads.
/// </summary>
public abstract class ForwardOnlyBodyStream : Stream
{
    private readonly bool _leaveOpen;

    protected ForwardOnlyBodyStream(Stream inner, bool leaveOpen)
    {
        ArgumentNullException.ThrowIfNull(inner);
        Inner = inner;
        _leaveOpen = leaveOpen;
    }

    protected Stream Inner { get; }

    protected bool IsDisposed { get; private set; }

    /// <summary>Bytes returned to the reader so far.</summary>
    protected abstract long BytesReturned { get; }

    public override bool CanRead => !IsDisposed;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    /// <summary>Bytes returned so far. Cannot be set.</summary>
    public override long Position
    {
        get => BytesReturned;
        set => throw new NotSupportedException("A request body is read forward only.");
    }

    public override int Read(byte[] buffer, int offset, int count)
    {
        ValidateBufferArguments(buffer, offset, count);
        return Read(buffer.AsSpan(offset, count));
    }

    public abstract override int Read(Span<byte> buffer);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        ValidateBufferArguments(buffer, offset, count);
        return ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }

    public abstract override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default);

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException("A request body is read forward only.");

    public override void SetLength(long value) => throw new NotSupportedException("A request body is read-only.");

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("A request body is read-only.");

    /// <summary>Releases what the derived layer holds (hashes, checksums); called once.</summary>
    protected abstract void ReleaseResources();

    protected sealed override void Dispose(bool disposing)
    {
        if (disposing && !IsDisposed)
        {
            IsDisposed = true;
            ReleaseResources();
            if (!_leaveOpen)
            {
                Inner.Dispose();
            }
        }

        base.Dispose(disposing);
    }
}

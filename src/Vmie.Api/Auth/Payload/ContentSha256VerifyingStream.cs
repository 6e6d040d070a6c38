using System.Security.Cryptography;
using Vmie.Api.Auth.SigV4;

namespace Vmie.Api.Auth.Payload;

/// <summary>
/// Passes a request body through while hashing it, and at its end compares the SHA-256 with the hex
/// x-amz-content-sha256 the request was signed with. On mismatch the read that reaches the end throws
/// XAmzContentSHA256Mismatch instead of returning 0; the consumer must discard what it stored.
/// </summary>
public sealed class ContentSha256VerifyingStream : Stream
{
    private readonly Stream _inner;
    private readonly bool _leaveOpen;
    private readonly byte[] _expected;
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private long _position;
    private bool _verified;
    private bool _disposed;

    /// <param name="expectedSha256Hex">The x-amz-content-sha256 value: 64 hex digits.</param>
    public ContentSha256VerifyingStream(Stream inner, string expectedSha256Hex, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(inner);
        if (!PayloadHashes.IsHexSha256(expectedSha256Hex))
        {
            throw new ArgumentException("x-amz-content-sha256 must be 64 hex digits to be verified.", nameof(expectedSha256Hex));
        }

        _inner = inner;
        _leaveOpen = leaveOpen;
        _expected = Convert.FromHexString(expectedSha256Hex);
    }

    public override bool CanRead => !_disposed;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => _inner.CanSeek ? _inner.Length : throw new NotSupportedException("The body length is not known.");

    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException("A verified body is read forward only.");
    }

    /// <summary>True once the end was reached and the hash matched.</summary>
    public bool IsVerified => _verified;

    public override int Read(byte[] buffer, int offset, int count)
    {
        ValidateBufferArguments(buffer, offset, count);
        return Read(buffer.AsSpan(offset, count));
    }

    public override int Read(Span<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return buffer.IsEmpty ? 0 : OnRead(buffer[.._inner.Read(buffer)]);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        ValidateBufferArguments(buffer, offset, count);
        return ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (buffer.IsEmpty)
        {
            return 0;
        }

        var read = await _inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        return OnRead(buffer.Span[..read]);
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException("A verified body is read forward only.");

    public override void SetLength(long value) => throw new NotSupportedException("A verified body is read-only.");

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("A verified body is read-only.");

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_disposed)
        {
            _disposed = true;
            _hash.Dispose();
            if (!_leaveOpen)
            {
                _inner.Dispose();
            }
        }

        base.Dispose(disposing);
    }

    private int OnRead(ReadOnlySpan<byte> data)
    {
        if (!data.IsEmpty)
        {
            _hash.AppendData(data);
            _position += data.Length;
            return data.Length;
        }

        if (!_verified)
        {
            Span<byte> actual = stackalloc byte[SHA256.HashSizeInBytes];
            _hash.GetCurrentHash(actual);
            if (!actual.SequenceEqual(_expected))
            {
                throw new PayloadIntegrityException("XAmzContentSHA256Mismatch", "The provided 'x-amz-content-sha256' header does not match what was computed.");
            }

            _verified = true;
        }

        return 0;
    }
}

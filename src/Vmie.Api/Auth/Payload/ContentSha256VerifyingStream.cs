using System.Security.Cryptography;
using Vmie.Api.Auth.SigV4;

namespace Vmie.Api.Auth.Payload;

/// <summary>
/// Passes a request body through while hashing it, and at its end compares the SHA-256 with the hex
/// x-amz-content-sha256 the request was signed with. On mismatch the read that reaches the end throws
/// XAmzContentSHA256Mismatch instead of returning 0; the consumer must discard what it stored.
/// </summary>
public sealed class ContentSha256VerifyingStream : ForwardOnlyBodyStream
{
    private readonly byte[] _expected;
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private long _position;
    private bool _verified;

    /// <param name="expectedSha256Hex">The x-amz-content-sha256 value: 64 hex digits.</param>
    public ContentSha256VerifyingStream(Stream inner, string expectedSha256Hex, bool leaveOpen = false)
        : base(inner, leaveOpen)
    {
        if (!PayloadHashes.IsHexSha256(expectedSha256Hex))
        {
            throw new ArgumentException("x-amz-content-sha256 must be 64 hex digits to be verified.", nameof(expectedSha256Hex));
        }

        _expected = Convert.FromHexString(expectedSha256Hex);
    }

    public override long Length => Inner.CanSeek ? Inner.Length : throw new NotSupportedException("The body length is not known.");

    /// <summary>True once the end was reached and the hash matched.</summary>
    public bool IsVerified => _verified;

    public override int Read(Span<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        return buffer.IsEmpty ? 0 : OnRead(buffer[..Inner.Read(buffer)]);
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        if (buffer.IsEmpty)
        {
            return 0;
        }

        var read = await Inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        return OnRead(buffer.Span[..read]);
    }

    protected override long BytesReturned => _position;

    protected override void ReleaseResources() => _hash.Dispose();

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

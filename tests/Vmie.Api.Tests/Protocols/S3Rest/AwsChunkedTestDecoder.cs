using System.Globalization;
using System.Text;

namespace Vmie.Api.Tests.Protocols.S3Rest;

/// <summary>
/// Test-only stand-in for the real pipeline's aws-chunked decoder: strips the chunk framing
/// ("size;chunk-signature=...\r\n data \r\n" ... "0...\r\n" trailers "\r\n") without verifying signatures or
/// trailing checksums, which is the authentication step's job and not what these tests exercise.
/// </summary>
internal sealed class AwsChunkedTestDecoder(Stream inner) : Stream
{
    private readonly byte[] _buffer = new byte[64 * 1024];
    private int _bufferStart;
    private int _bufferEnd;
    private long _chunkRemaining;
    private bool _finished;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> destination, CancellationToken cancellationToken = default)
    {
        if (_finished || destination.IsEmpty)
        {
            return 0;
        }

        if (_chunkRemaining == 0)
        {
            var header = await ReadLineAsync(cancellationToken);
            var sizeText = header.Split(';')[0].Trim();
            _chunkRemaining = long.Parse(sizeText, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            if (_chunkRemaining == 0)
            {
                // Trailers, if any, then an empty line.
                while ((await ReadLineAsync(cancellationToken)).Length > 0)
                {
                }

                _finished = true;
                return 0;
            }
        }

        if (_bufferStart == _bufferEnd && !await FillAsync(cancellationToken))
        {
            throw new IOException("aws-chunked body ended inside a chunk");
        }

        var count = (int)Math.Min(Math.Min(destination.Length, _chunkRemaining), _bufferEnd - _bufferStart);
        _buffer.AsMemory(_bufferStart, count).CopyTo(destination);
        _bufferStart += count;
        _chunkRemaining -= count;
        if (_chunkRemaining == 0 && (await ReadLineAsync(cancellationToken)).Length != 0)
        {
            throw new IOException("aws-chunked chunk not followed by CRLF");
        }

        return count;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count).GetAwaiter().GetResult();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private async Task<string> ReadLineAsync(CancellationToken cancellationToken)
    {
        var line = new StringBuilder();
        while (true)
        {
            if (_bufferStart == _bufferEnd && !await FillAsync(cancellationToken))
            {
                return line.ToString();
            }

            var b = _buffer[_bufferStart++];
            if (b == '\n')
            {
                return line.ToString().TrimEnd('\r');
            }

            line.Append((char)b);
        }
    }

    private async Task<bool> FillAsync(CancellationToken cancellationToken)
    {
        _bufferStart = 0;
        _bufferEnd = await inner.ReadAsync(_buffer, cancellationToken);
        return _bufferEnd > 0;
    }
}

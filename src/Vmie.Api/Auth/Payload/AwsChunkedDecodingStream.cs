using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Vmie.Api.Auth.SigV4;
using Vmie.Storage.Checksums;

namespace Vmie.Api.Auth.Payload;

/// <summary>
/// Decodes a Content-Encoding: aws-chunked request body as it is read, and verifies it: chained chunk
/// signatures, the trailer signature, the trailing checksum and x-amz-decoded-content-length.
/// Read-only and forward-only; memory is bounded (one small buffer, chunk data is never held) whatever
/// the input, and a body that ends early fails instead of waiting.
/// <para>
/// Bytes of a chunk are handed out before that chunk's signature can be checked (it covers the whole
/// chunk), and checksums are only known at the end: any violation surfaces as a
/// <see cref="PayloadIntegrityException"/> from a later read, always before the read that returns 0. The
/// consumer must therefore read to the end and discard what it stored if that throws.
/// </para>
/// </summary>
public sealed class AwsChunkedDecodingStream : ForwardOnlyBodyStream
{
    /// <summary>Largest chunk accepted; SDKs use 64 KiB to a few MiB.</summary>
    public const int MaxChunkSize = 64 * 1024 * 1024;

    /// <summary>Longest chunk header or trailer line accepted.</summary>
    public const int MaxLineLength = 4096;

    private const int MaxTrailerLines = 8;
    private const int BufferSize = 16 * 1024;
    private const string TrailerSignatureName = "x-amz-trailer-signature";
    private static readonly SearchValues<byte> HexDigits = SearchValues.Create("0123456789abcdefABCDEF"u8);

    private readonly AwsChunkedSettings _settings;
    private readonly byte[] _buffer = new byte[BufferSize];
    private readonly IncrementalHash? _chunkHash;
    private readonly ChecksumCalculator? _checksum;
    private readonly List<KeyValuePair<string, string>> _trailers = [];

    private int _start;
    private int _end;
    private State _state = State.ChunkHeader;
    private long _chunkRemaining;
    private string? _chunkSignature;
    private string? _previousSignature;
    private string? _trailerSignature;
    private bool _skippedBlankBeforeTrailers;
    private long _decodedLength;
    private IReadOnlyDictionary<string, string>? _verifiedTrailers;

    public AwsChunkedDecodingStream(Stream inner, AwsChunkedSettings settings, bool leaveOpen = false)
        : base(inner, leaveOpen)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.Mode.IsSigned())
        {
            if (settings.Seed is null)
            {
                throw new ArgumentException($"Mode {settings.Mode} needs the signing seed of the request.", nameof(settings));
            }

            _chunkHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            _previousSignature = settings.Seed.SeedSignature;
        }

        if (settings.TrailingChecksum is not null && !settings.Mode.HasTrailer())
        {
            throw new ArgumentException($"Mode {settings.Mode} has no trailer to carry a checksum.", nameof(settings));
        }

        _settings = settings;
        _checksum = settings.TrailingChecksum?.CreateCalculator();
    }

    private enum State
    {
        ChunkHeader,
        ChunkData,
        ChunkDataEnd,
        FinalLine,
        Trailers,
        Finished,
    }

    private enum Step
    {
        Produced,
        NeedInput,
        ReadDirectly,
        Finished,
    }

    public override long Length => throw new NotSupportedException("An aws-chunked body has no known length.");

    /// <summary>True once the whole body has been read and verified.</summary>
    public bool IsComplete => _state == State.Finished;

    /// <summary>Decoded bytes returned so far.</summary>
    public long DecodedLength => _decodedLength;

    /// <summary>The verified trailing headers (lower-case names, without x-amz-trailer-signature); available
    /// once <see cref="IsComplete"/>.</summary>
    public IReadOnlyDictionary<string, string> Trailers =>
        _verifiedTrailers ?? throw new InvalidOperationException("Trailers are known only after the body has been read to its end.");

    /// <summary>The base64 trailing checksum, verified against the decoded bytes; null when none was declared.
    /// Available once <see cref="IsComplete"/>.</summary>
    public string? TrailingChecksumValue =>
        _settings.TrailingChecksum is { } algorithm && Trailers.TryGetValue(algorithm.HeaderName, out var value) ? value : null;

    public override int Read(Span<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        if (buffer.IsEmpty)
        {
            return 0;
        }

        while (true)
        {
            switch (Advance(buffer, out var produced))
            {
                case Step.Produced:
                    return produced;
                case Step.Finished:
                    return 0;
                case Step.ReadDirectly:
                    var direct = buffer[..ClampToChunk(buffer.Length)];
                    var read = Inner.Read(direct);
                    return AcceptDirect(direct[..read]);
                default:
                    PrepareBufferForInput();
                    OnInput(Inner.Read(_buffer.AsSpan(_end)));
                    break;
            }
        }
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        if (buffer.IsEmpty)
        {
            return 0;
        }

        while (true)
        {
            switch (Advance(buffer.Span, out var produced))
            {
                case Step.Produced:
                    return produced;
                case Step.Finished:
                    return 0;
                case Step.ReadDirectly:
                    var direct = buffer[..ClampToChunk(buffer.Length)];
                    var read = await Inner.ReadAsync(direct, cancellationToken).ConfigureAwait(false);
                    return AcceptDirect(direct.Span[..read]);
                default:
                    PrepareBufferForInput();
                    OnInput(await Inner.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false));
                    break;
            }
        }
    }

    protected override long BytesReturned => _decodedLength;

    protected override void ReleaseResources()
    {
        _chunkHash?.Dispose();
        _checksum?.Dispose();
    }

    private static PayloadIntegrityException Malformed(string message) => new("InvalidRequest", message);

    private static PayloadIntegrityException MalformedTrailer(string message) => new("MalformedTrailerError", message);

    private static PayloadIntegrityException Truncated() =>
        new("IncompleteBody", "The request body ended before the aws-chunked encoding was complete.");

    private static PayloadIntegrityException SignatureMismatch(string what) =>
        new("SignatureDoesNotMatch", $"The {what} signature we calculated does not match the signature you provided. Check your key and signing method.");

    /// <summary>Moves the parser forward over buffered bytes; never performs I/O.</summary>
    private Step Advance(Span<byte> destination, out int produced)
    {
        produced = 0;
        while (true)
        {
            switch (_state)
            {
                case State.ChunkHeader:
                    if (!TryTakeLine(out var header))
                    {
                        return Step.NeedInput;
                    }

                    StartChunk(header);
                    break;

                case State.ChunkData:
                    if (_chunkRemaining == 0)
                    {
                        VerifyChunkSignature();
                        _state = State.ChunkDataEnd;
                        break;
                    }

                    var available = _end - _start;
                    if (available == 0)
                    {
                        return Step.ReadDirectly;
                    }

                    produced = (int)Math.Min(Math.Min(available, _chunkRemaining), destination.Length);
                    _buffer.AsSpan(_start, produced).CopyTo(destination);
                    _start += produced;
                    OnChunkData(destination[..produced]);
                    return Step.Produced;

                case State.ChunkDataEnd:
                    if (_end - _start < 2)
                    {
                        return Step.NeedInput;
                    }

                    if (_buffer[_start] != '\r' || _buffer[_start + 1] != '\n')
                    {
                        throw Malformed("Chunk data is not followed by CRLF: the chunk size does not match its data.");
                    }

                    _start += 2;
                    _state = State.ChunkHeader;
                    break;

                case State.FinalLine:
                    if (!TryTakeLine(out var finalLine))
                    {
                        return Step.NeedInput;
                    }

                    if (!finalLine.IsEmpty)
                    {
                        throw Malformed("Unexpected data after the final aws-chunked chunk.");
                    }

                    Finish();
                    break;

                case State.Trailers:
                    if (!TryTakeLine(out var trailer))
                    {
                        return Step.NeedInput;
                    }

                    if (!trailer.IsEmpty)
                    {
                        AddTrailer(trailer);
                    }
                    else if (_trailers.Count == 0 && _trailerSignature is null && ExpectsTrailers() && !_skippedBlankBeforeTrailers)
                    {
                        // Some clients put an empty line between the final chunk and the trailers.
                        _skippedBlankBeforeTrailers = true;
                    }
                    else
                    {
                        Finish();
                    }

                    break;

                default:
                    return Step.Finished;
            }
        }
    }

    private int ClampToChunk(int length) => (int)Math.Min(length, _chunkRemaining);

    private int AcceptDirect(ReadOnlySpan<byte> read)
    {
        if (read.IsEmpty)
        {
            throw Truncated();
        }

        OnChunkData(read);
        return read.Length;
    }

    private void PrepareBufferForInput()
    {
        if (_start > 0)
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= _start;
            _start = 0;
        }
    }

    private void OnInput(int read)
    {
        if (read > 0)
        {
            _end += read;
            return;
        }

        // Tolerate a body that stops right where only the closing empty line is missing.
        if (_start == _end && (_state == State.FinalLine || (_state == State.Trailers && HasAllTrailers())))
        {
            Finish();
            return;
        }

        throw Truncated();
    }

    private bool TryTakeLine(out ReadOnlySpan<byte> line)
    {
        var buffered = _buffer.AsSpan(_start, _end - _start);
        var newline = buffered[..Math.Min(buffered.Length, MaxLineLength + 2)].IndexOf((byte)'\n');
        if (newline < 0)
        {
            if (buffered.Length > MaxLineLength)
            {
                throw Malformed($"An aws-chunked header or trailer line is longer than {MaxLineLength} bytes.");
            }

            line = default;
            return false;
        }

        line = buffered[..newline];
        if (!line.IsEmpty && line[^1] == '\r')
        {
            line = line[..^1];
        }

        if (line.Length > MaxLineLength)
        {
            throw Malformed($"An aws-chunked header or trailer line is longer than {MaxLineLength} bytes.");
        }

        _start += newline + 1;
        return true;
    }

    private void StartChunk(ReadOnlySpan<byte> header)
    {
        var semicolon = header.IndexOf((byte)';');
        var sizeText = semicolon < 0 ? header : header[..semicolon];
        if (sizeText.IsEmpty || sizeText.Length > 16 || sizeText.IndexOfAnyExcept(HexDigits) >= 0)
        {
            throw new PayloadIntegrityException("InvalidChunkSizeError", "The aws-chunked chunk size is not a hexadecimal number.");
        }

        var size = ulong.Parse(Encoding.ASCII.GetString(sizeText), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
        if (size > MaxChunkSize)
        {
            throw new PayloadIntegrityException("InvalidChunkSizeError", $"An aws-chunked chunk of {size} bytes is larger than the {MaxChunkSize} bytes allowed.");
        }

        if (_settings.Mode.IsSigned())
        {
            var extension = semicolon < 0 ? default : header[(semicolon + 1)..];
            var signaturePrefix = "chunk-signature="u8;
            if (!extension.StartsWith(signaturePrefix))
            {
                throw new PayloadIntegrityException("IncompleteSignature", "A signed aws-chunked chunk has no chunk-signature.");
            }

            _chunkSignature = Encoding.ASCII.GetString(extension[signaturePrefix.Length..]);
        }

        if (_settings.DecodedContentLength is { } declared && _decodedLength + (long)size > declared)
        {
            throw new PayloadIntegrityException("IncompleteBody", "The aws-chunked body is longer than x-amz-decoded-content-length.");
        }

        if (size > 0)
        {
            _chunkRemaining = (long)size;
            _state = State.ChunkData;
            return;
        }

        VerifyChunkSignature();
        _state = _settings.Mode.HasTrailer() ? State.Trailers : State.FinalLine;
    }

    private void OnChunkData(ReadOnlySpan<byte> data)
    {
        _chunkHash?.AppendData(data);
        _checksum?.Append(data);
        _chunkRemaining -= data.Length;
        _decodedLength += data.Length;
    }

    private void VerifyChunkSignature()
    {
        if (_chunkHash is null)
        {
            return;
        }

        var seed = _settings.Seed!;
        var dataHash = Convert.ToHexStringLower(_chunkHash.GetHashAndReset());
        var stringToSign = $"AWS4-HMAC-SHA256-PAYLOAD\n{seed.Timestamp}\n{seed.Scope}\n{_previousSignature}\n{PayloadHashes.EmptyBody}\n{dataHash}";
        var computed = SigV4Signing.Sign(seed.SigningKey.Span, stringToSign);
        if (!SigV4Signing.SignatureEquals(_chunkSignature, computed))
        {
            throw SignatureMismatch("chunk");
        }

        _previousSignature = Convert.ToHexStringLower(computed);
        _chunkSignature = null;
    }

    private bool ExpectsTrailers() => _settings.TrailingChecksum is not null || _settings.Mode == AwsChunkedMode.SignedChunksWithTrailer;

    private bool HasAllTrailers() =>
        (_settings.TrailingChecksum is null || _trailers.Any(t => t.Key == _settings.TrailingChecksum.HeaderName))
        && (_settings.Mode != AwsChunkedMode.SignedChunksWithTrailer || _trailerSignature is not null);

    private void AddTrailer(ReadOnlySpan<byte> line)
    {
        if (_trailers.Count + (_trailerSignature is null ? 0 : 1) >= MaxTrailerLines)
        {
            throw MalformedTrailer("Too many trailing headers.");
        }

        var text = Encoding.UTF8.GetString(line);
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            throw MalformedTrailer("The request contained trailing data that was not well-formed.");
        }

        var name = text[..colon].Trim().ToLowerInvariant();
        var value = text[(colon + 1)..].Trim();
        if (_trailerSignature is not null)
        {
            throw MalformedTrailer("No trailing header may follow x-amz-trailer-signature.");
        }

        if (name == TrailerSignatureName)
        {
            if (_settings.Mode != AwsChunkedMode.SignedChunksWithTrailer)
            {
                throw MalformedTrailer("x-amz-trailer-signature is only allowed with STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER.");
            }

            _trailerSignature = value;
            return;
        }

        if (name != _settings.TrailingChecksum?.HeaderName)
        {
            throw MalformedTrailer($"The trailing header {name} was not declared in x-amz-trailer.");
        }

        if (_trailers.Any(t => t.Key == name))
        {
            throw MalformedTrailer($"The trailing header {name} appears more than once.");
        }

        _trailers.Add(new KeyValuePair<string, string>(name, value));
    }

    private void Finish()
    {
        if (_settings.Mode.HasTrailer())
        {
            if (!HasAllTrailers())
            {
                var missing = _settings.TrailingChecksum is { } declared && _trailers.All(t => t.Key != declared.HeaderName)
                    ? declared.HeaderName
                    : TrailerSignatureName;
                throw MalformedTrailer($"The trailing header {missing} is missing.");
            }

            if (_settings.Mode == AwsChunkedMode.SignedChunksWithTrailer)
            {
                VerifyTrailerSignature();
            }
        }

        if (_settings.DecodedContentLength is { } expected && expected != _decodedLength)
        {
            throw new PayloadIntegrityException("IncompleteBody", $"The decoded body has {_decodedLength} bytes, x-amz-decoded-content-length says {expected}.");
        }

        if (_checksum is not null)
        {
            var algorithm = _checksum.Algorithm;
            var sent = _trailers.First(t => t.Key == algorithm.HeaderName).Value;
            if (!algorithm.IsWellFormedBase64(sent))
            {
                throw new PayloadIntegrityException("InvalidRequest", $"Value for {algorithm.HeaderName} trailing header is invalid.");
            }

            if (sent != _checksum.GetBase64Digest())
            {
                throw new PayloadIntegrityException("BadDigest", $"The {algorithm.Name} you specified did not match the calculated checksum.");
            }
        }

        if (_start != _end)
        {
            throw Malformed("Unexpected data after the end of the aws-chunked body.");
        }

        _verifiedTrailers = _trailers.ToDictionary(t => t.Key, t => t.Value, StringComparer.OrdinalIgnoreCase);
        _state = State.Finished;
    }

    private void VerifyTrailerSignature()
    {
        var seed = _settings.Seed!;
        var canonical = new StringBuilder();
        foreach (var (name, value) in _trailers)
        {
            canonical.Append(name).Append(':').Append(value).Append('\n');
        }

        var stringToSign = $"AWS4-HMAC-SHA256-TRAILER\n{seed.Timestamp}\n{seed.Scope}\n{_previousSignature}\n{SigV4Signing.Sha256Hex(canonical.ToString())}";
        if (!SigV4Signing.SignatureEquals(_trailerSignature, SigV4Signing.Sign(seed.SigningKey.Span, stringToSign)))
        {
            throw SignatureMismatch("trailer");
        }
    }
}

using System.Security.Cryptography;
using System.Text;
using Vmie.Api.Auth.Payload;
using Vmie.Storage.Checksums;

namespace Vmie.Api.Tests.Auth.Payload;

/// <summary>Encodes aws-chunked bodies for tests, signing with its own plain code (see <see cref="TestSigner"/>).</summary>
internal sealed class ChunkedBodyBuilder
{
    private const string EmptyHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    public const string Secret = "chunk/Secret+Key/0123456789abcdefghijklmnopq";
    public const string Timestamp = "20250601T083000Z";
    public const string Region = "us-east-1";
    public const string Scope = "20250601/us-east-1/s3/aws4_request";
    public const string SeedSignature = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    public AwsChunkedMode Mode { get; init; } = AwsChunkedMode.SignedChunks;

    public int ChunkSize { get; init; } = 8192;

    /// <summary>Trailer lines to send, in order, e.g. ("x-amz-checksum-crc32", value).</summary>
    public IReadOnlyList<(string Name, string Value)> Trailers { get; init; } = [];

    public bool BlankLineBeforeTrailers { get; init; }

    public string TrailerLineEnd { get; init; } = "\r\n";

    public bool OmitFinalLine { get; init; }

    public bool OmitTrailerSignature { get; init; }

    public static DateTimeOffset SigningTime => new(2025, 6, 1, 8, 30, 0, TimeSpan.Zero);

    public static Vmie.Api.Auth.SigV4.StreamingSignatureSeed Seed() =>
        Vmie.Api.Auth.SigV4.StreamingSignatureSeed.FromSecret(Secret, Timestamp, Region, "s3", SeedSignature);

    public byte[] Build(ReadOnlySpan<byte> data)
    {
        var key = TestSigner.SigningKey(Secret, Timestamp[..8], Region, "s3");
        var previous = SeedSignature;
        var signed = Mode != AwsChunkedMode.UnsignedChunksWithTrailer;
        using var body = new MemoryStream();

        void Chunk(ReadOnlySpan<byte> chunk)
        {
            var header = chunk.Length.ToString("x", System.Globalization.CultureInfo.InvariantCulture);
            if (signed)
            {
                var stringToSign = $"AWS4-HMAC-SHA256-PAYLOAD\n{Timestamp}\n{Scope}\n{previous}\n{EmptyHash}\n{TestSigner.Hex(SHA256.HashData(chunk))}";
                previous = TestSigner.Hex(TestSigner.Hmac(key, stringToSign));
                header += ";chunk-signature=" + previous;
            }

            body.Write(Encoding.ASCII.GetBytes(header + "\r\n"));
            body.Write(chunk);
            if (!chunk.IsEmpty)
            {
                body.Write("\r\n"u8);
            }
        }

        for (var offset = 0; offset < data.Length; offset += ChunkSize)
        {
            Chunk(data.Slice(offset, Math.Min(ChunkSize, data.Length - offset)));
        }

        Chunk([]);
        if (Mode == AwsChunkedMode.SignedChunks)
        {
            if (!OmitFinalLine)
            {
                body.Write("\r\n"u8);
            }

            return body.ToArray();
        }

        if (BlankLineBeforeTrailers)
        {
            body.Write("\r\n"u8);
        }

        var canonical = new StringBuilder();
        foreach (var (name, value) in Trailers)
        {
            body.Write(Encoding.ASCII.GetBytes($"{name}:{value}{TrailerLineEnd}"));
            canonical.Append(name).Append(':').Append(value).Append('\n');
        }

        if (Mode == AwsChunkedMode.SignedChunksWithTrailer && !OmitTrailerSignature)
        {
            var stringToSign = $"AWS4-HMAC-SHA256-TRAILER\n{Timestamp}\n{Scope}\n{previous}\n{TestSigner.Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonical.ToString())))}";
            body.Write(Encoding.ASCII.GetBytes($"x-amz-trailer-signature:{TestSigner.Hex(TestSigner.Hmac(key, stringToSign))}{TrailerLineEnd}"));
        }

        if (!OmitFinalLine)
        {
            body.Write("\r\n"u8);
        }

        return body.ToArray();
    }

    public AwsChunkedSettings Settings(ChecksumAlgorithm? trailingChecksum = null, long? decodedLength = null) => new()
    {
        Mode = Mode,
        Seed = Mode == AwsChunkedMode.UnsignedChunksWithTrailer ? null : Seed(),
        TrailingChecksum = trailingChecksum,
        DecodedContentLength = decodedLength,
    };
}

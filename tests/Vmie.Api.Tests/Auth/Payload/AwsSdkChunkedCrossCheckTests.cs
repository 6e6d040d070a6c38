using System.Globalization;
using System.Reflection;
using Amazon.Runtime;
using Amazon.Runtime.Internal.Auth;
using Amazon.Runtime.Internal.Util;
using Vmie.Api.Auth.Payload;
using Vmie.Api.Auth.SigV4;
using Vmie.Storage.Checksums;

namespace Vmie.Api.Tests.Auth.Payload;

/// <summary>aws-chunked bodies produced by the AWS SDK for .NET's own encoders must verify and decode.</summary>
public sealed class AwsSdkChunkedCrossCheckTests
{
    private const string AccessKeyId = "AKIAVMIESDKTEST00002";
    private const string Secret = "sdk/Chunked+Secret/abcdefghijklmnopqrstuvwxyz";
    private static readonly DateTime SignedAt = new(2025, 6, 1, 8, 30, 0, DateTimeKind.Utc);

    public static TheoryData<CoreChecksumAlgorithm, int> SignedCases() => new()
    {
        { CoreChecksumAlgorithm.NONE, 200_000 },
        { CoreChecksumAlgorithm.NONE, 0 },
        { CoreChecksumAlgorithm.CRC32, 150_001 },
        { CoreChecksumAlgorithm.CRC32C, 81_920 },
        { CoreChecksumAlgorithm.CRC64NVME, 300_000 },
        { CoreChecksumAlgorithm.SHA1, 12_345 },
        { CoreChecksumAlgorithm.SHA256, 1 },
    };

    public static TheoryData<CoreChecksumAlgorithm> TrailerAlgorithms() =>
    [
        CoreChecksumAlgorithm.CRC32,
        CoreChecksumAlgorithm.CRC32C,
        CoreChecksumAlgorithm.CRC64NVME,
        CoreChecksumAlgorithm.SHA1,
        CoreChecksumAlgorithm.SHA256,
    ];

    [Theory]
    [MemberData(nameof(SignedCases))]
    public void Sdk_signed_chunked_upload_verifies_and_decodes(CoreChecksumAlgorithm checksum, int length)
    {
        var data = AwsChunkedDecodingStreamTests.RandomBytes(length, length);
        var request = AwsSdkTestClient.NewRequest("Amazon.S3", "PUT", "/import-bucket/disk.vmdk");
        request.UseDoubleEncoding = false;
        request.ContentStream = new MemoryStream(data);
        request.UseChunkEncoding = true;
        request.Headers["Content-Length"] = length.ToString(CultureInfo.InvariantCulture);
        var trailerName = checksum == CoreChecksumAlgorithm.NONE ? null : "x-amz-checksum-" + checksum.ToString().ToLowerInvariant();
        if (trailerName is not null)
        {
            request.SelectedChecksum = checksum;
            request.TrailingHeaders[trailerName] = string.Empty;
        }

        var signed = new AWS4Signer().SignRequest(request, AwsSdkTestClient.Config("s3", "us-east-1"), null, AccessKeyId, Secret, SignedAt);
        request.Headers["Authorization"] = signed.ForAuthorizationHeader;
        var contentSha256 = request.Headers["X-Amz-Content-SHA256"];
        Assert.Equal(trailerName is null ? PayloadHashes.StreamingSigned : PayloadHashes.StreamingSignedWithTrailer, contentSha256);
        string? sdkChecksum = null;
        byte[] body;
        using (var encoder = SdkEncoder(data, signed, checksum, request.TrailingHeaders, value => sdkChecksum = value))
        {
            body = StreamReading.ReadAll(encoder, 65536);
        }

        var outcome = new SigV4Verifier(new InMemoryCredentialStore((AccessKeyId, Secret)), new FixedClock(new DateTimeOffset(SignedAt)))
            .Verify(AwsSdkTestClient.ToWire(request, contentSha256));
        Assert.True(outcome.Succeeded, outcome.ToString() + "\n" + outcome.Failure?.CanonicalRequest);
        request.Headers.TryGetValue("x-amz-trailer", out var trailerHeader);
        var settings = AwsChunkedSettings.FromHeaders(contentSha256, trailerHeader, request.Headers["X-Amz-Decoded-Content-Length"], outcome.Verified);

        using var decoder = new AwsChunkedDecodingStream(new MemoryStream(body), settings);

        Assert.Equal(data, StreamReading.ReadAll(decoder, 7777));
        if (trailerName is not null)
        {
            Assert.Equal(ChecksumAlgorithm.FromHeaderName(trailerName)!.ComputeBase64(data), decoder.TrailingChecksumValue);
            Assert.Equal(sdkChecksum, decoder.TrailingChecksumValue);
        }
    }

    [Theory]
    [MemberData(nameof(TrailerAlgorithms))]
    public void Sdk_unsigned_chunked_upload_with_trailing_checksum_decodes(CoreChecksumAlgorithm checksum)
    {
        var data = AwsChunkedDecodingStreamTests.RandomBytes(123_457, 9);
        var trailerName = "x-amz-checksum-" + checksum.ToString().ToLowerInvariant();
        var trailers = new Dictionary<string, string> { [trailerName] = string.Empty };
        string? sdkChecksum = null;
        byte[] body;
        using (var encoder = new TrailingHeadersWrapperStream(new MemoryStream(data), trailers, checksum, new CachedChecksum { OnComplete = value => sdkChecksum = value }))
        {
            body = StreamReading.ReadAll(encoder, 65536);
        }

        var settings = AwsChunkedSettings.FromHeaders(PayloadHashes.StreamingUnsignedWithTrailer, trailerName, data.Length.ToString(CultureInfo.InvariantCulture), null);
        using var decoder = new AwsChunkedDecodingStream(new MemoryStream(body), settings);

        Assert.Equal(data, StreamReading.ReadAll(decoder, 4096));
        Assert.Equal(ChecksumAlgorithm.FromHeaderName(trailerName)!.ComputeBase64(data), decoder.TrailingChecksumValue);
        Assert.Equal(sdkChecksum, decoder.TrailingChecksumValue);
    }

    [Fact]
    public void Sdk_signed_body_with_flipped_byte_is_refused()
    {
        var data = AwsChunkedDecodingStreamTests.RandomBytes(100_000, 1);
        var request = AwsSdkTestClient.NewRequest("Amazon.S3", "PUT", "/bucket/key");
        request.UseDoubleEncoding = false;
        request.ContentStream = new MemoryStream(data);
        request.UseChunkEncoding = true;
        request.Headers["Content-Length"] = data.Length.ToString(CultureInfo.InvariantCulture);
        var signed = new AWS4Signer().SignRequest(request, AwsSdkTestClient.Config("s3", "us-east-1"), null, AccessKeyId, Secret, SignedAt);
        request.Headers["Authorization"] = signed.ForAuthorizationHeader;
        byte[] body;
        using (var encoder = SdkEncoder(data, signed, CoreChecksumAlgorithm.NONE, request.TrailingHeaders, _ => { }))
        {
            body = StreamReading.ReadAll(encoder, 65536);
        }

        body[body.Length / 2] ^= 0x40;
        var outcome = new SigV4Verifier(new InMemoryCredentialStore((AccessKeyId, Secret)), new FixedClock(new DateTimeOffset(SignedAt)))
            .Verify(AwsSdkTestClient.ToWire(request, PayloadHashes.StreamingSigned));
        var settings = AwsChunkedSettings.FromHeaders(PayloadHashes.StreamingSigned, null, data.Length.ToString(CultureInfo.InvariantCulture), outcome.Verified);

        var error = Assert.Throws<Vmie.Api.Auth.PayloadIntegrityException>(() => StreamReading.ReadAll(new AwsChunkedDecodingStream(new MemoryStream(body), settings), 4096));

        Assert.Equal("SignatureDoesNotMatch", error.Code);
    }

    /// <summary>
    /// The SDK's own encoder. Without a checksum the SDK uses a constructor that writes no trailer section;
    /// it is internal, so it is reached by reflection (the public one always writes a trailer signature).
    /// </summary>
    private static ChunkedUploadWrapperStream SdkEncoder(byte[] data, AWS4SigningResult signed, CoreChecksumAlgorithm checksum, IDictionary<string, string> trailers, Action<string> onChecksum)
    {
        if (checksum != CoreChecksumAlgorithm.NONE)
        {
            return new ChunkedUploadWrapperStream(new MemoryStream(data), 81920, signed, checksum, trailers, new CachedChecksum { OnComplete = value => onChecksum(value) });
        }

        var constructor = typeof(ChunkedUploadWrapperStream).GetConstructor(
            BindingFlags.Instance | BindingFlags.NonPublic,
            [typeof(Stream), typeof(int), typeof(AWSSigningResultBase)])!;
        return (ChunkedUploadWrapperStream)constructor.Invoke([new MemoryStream(data), 81920, signed]);
    }
}

using System.Security.Cryptography;
using Vmie.Api.Auth;
using Vmie.Api.Auth.Payload;

namespace Vmie.Api.Tests.Auth.Payload;

public sealed class ContentSha256VerifyingStreamTests
{
    private static readonly byte[] Body = AwsChunkedDecodingStreamTests.RandomBytes(50_000, 21);
    private static readonly string BodyHash = Convert.ToHexStringLower(SHA256.HashData(Body));

    [Theory]
    [InlineData(1)]
    [InlineData(4096)]
    [InlineData(1 << 20)]
    public async Task Matching_body_passes_through(int bufferSize)
    {
        using var sync = new ContentSha256VerifyingStream(new MemoryStream(Body), BodyHash);
        using var async = new ContentSha256VerifyingStream(new MemoryStream(Body), BodyHash.ToUpperInvariant());

        Assert.Equal(Body, StreamReading.ReadAll(sync, bufferSize));
        Assert.Equal(Body, await StreamReading.ReadAllAsync(async, bufferSize));
        Assert.True(sync.IsVerified);
        Assert.True(async.IsVerified);
        Assert.Equal(Body.Length, sync.Position);
    }

    [Fact]
    public void Empty_body_matches_the_empty_hash()
    {
        using var stream = new ContentSha256VerifyingStream(new MemoryStream(), Vmie.Api.Auth.SigV4.PayloadHashes.EmptyBody);

        Assert.Empty(StreamReading.ReadAll(stream, 16));
        Assert.True(stream.IsVerified);
    }

    [Fact]
    public void Different_body_fails_at_the_end()
    {
        var tampered = (byte[])Body.Clone();
        tampered[^1] ^= 1;
        using var stream = new ContentSha256VerifyingStream(new MemoryStream(tampered), BodyHash);

        var error = Assert.Throws<PayloadIntegrityException>(() => StreamReading.ReadAll(stream, 4096));

        Assert.Equal("XAmzContentSHA256Mismatch", error.Code);
        Assert.Equal("The provided 'x-amz-content-sha256' header does not match what was computed.", error.Message);
        Assert.False(stream.IsVerified);
    }

    [Fact]
    public async Task Truncated_body_fails_at_the_end_async()
    {
        using var stream = new ContentSha256VerifyingStream(new MemoryStream(Body[..^1]), BodyHash);

        var error = await Assert.ThrowsAsync<PayloadIntegrityException>(() => StreamReading.ReadAllAsync(stream, 4096));

        Assert.Equal("XAmzContentSHA256Mismatch", error.Code);
    }

    [Fact]
    public void Empty_read_buffer_is_not_mistaken_for_the_end()
    {
        using var stream = new ContentSha256VerifyingStream(new MemoryStream(Body), BodyHash);

        Assert.Equal(0, stream.Read(Span<byte>.Empty));
        Assert.False(stream.IsVerified);
        Assert.Equal(Body, StreamReading.ReadAll(stream, 1000));
    }

    [Theory]
    [InlineData("UNSIGNED-PAYLOAD")]
    [InlineData("abc")]
    [InlineData("zz11111111111111111111111111111111111111111111111111111111111111")]
    public void Value_that_is_not_a_hex_sha256_is_refused(string value) =>
        Assert.Throws<ArgumentException>(() => new ContentSha256VerifyingStream(new MemoryStream(), value));

    [Fact]
    public void Inner_stream_is_left_open_on_request()
    {
        var inner = new MemoryStream(Body);
        new ContentSha256VerifyingStream(inner, BodyHash, leaveOpen: true).Dispose();
        Assert.True(inner.CanRead);

        new ContentSha256VerifyingStream(inner, BodyHash).Dispose();
        Assert.False(inner.CanRead);
    }
}

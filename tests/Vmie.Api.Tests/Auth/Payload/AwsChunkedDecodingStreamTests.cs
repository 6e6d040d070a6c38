using System.Text;
using Vmie.Api.Auth;
using Vmie.Api.Auth.Payload;
using Vmie.Api.Auth.SigV4;
using Vmie.Storage.Checksums;

namespace Vmie.Api.Tests.Auth.Payload;

public sealed class AwsChunkedDecodingStreamTests
{
    private static readonly byte[] Data = RandomBytes(70_001, 5);

    public static TheoryData<AwsChunkedMode, string> ModesAndTrailers()
    {
        var data = new TheoryData<AwsChunkedMode, string>();
        foreach (var mode in new[] { AwsChunkedMode.SignedChunksWithTrailer, AwsChunkedMode.UnsignedChunksWithTrailer })
        {
            foreach (var algorithm in ChecksumAlgorithm.All)
            {
                data.Add(mode, algorithm.Name);
            }
        }

        return data;
    }

    [Fact]
    public void Aws_documentation_signed_chunks_example_decodes()
    {
        var body = AwsDocumentationBody(
            ["ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648", "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497", "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9"],
            "\r\n");
        using var stream = new AwsChunkedDecodingStream(new MemoryStream(body), AwsDocumentationSettings(AwsChunkedMode.SignedChunks, "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9"));

        var decoded = StreamReading.ReadAll(stream, 8192);

        Assert.Equal(AwsDocumentationData(), decoded);
        Assert.True(stream.IsComplete);
        Assert.Empty(stream.Trailers);
        Assert.Null(stream.TrailingChecksumValue);
    }

    [Fact]
    public void Aws_documentation_signed_chunks_with_trailer_example_decodes()
    {
        var body = AwsDocumentationBody(
            ["b474d8862b1487a5145d686f57f013e54db672cee1c953b3010fb58501ef5aa2", "1c1344b170168f8e65b41376b44b20fe354e373826ccbbe2c1d40a8cae51e5c7", "2ca2aba2005185cf7159c6277faf83795951dd77a3a99e6e65d5c9f85863f992"],
            "x-amz-checksum-crc32c:sOO8/Q==\r\nx-amz-trailer-signature:d81f82fc3505edab99d459891051a732e8730629a2e4a59689829ca17fe2e435\r\n\r\n");
        var settings = AwsDocumentationSettings(AwsChunkedMode.SignedChunksWithTrailer, "106e2a8a18243abcf37539882f36619c00e2dfc72633413f02d3b74544bfeb8e") with
        {
            TrailingChecksum = ChecksumAlgorithm.Crc32C,
        };
        using var stream = new AwsChunkedDecodingStream(new MemoryStream(body), settings);

        var decoded = StreamReading.ReadAll(stream, 1000);

        Assert.Equal(AwsDocumentationData(), decoded);
        Assert.Equal("sOO8/Q==", stream.TrailingChecksumValue);
        Assert.Equal("sOO8/Q==", stream.Trailers["x-amz-checksum-crc32c"]);
        Assert.False(stream.Trailers.ContainsKey("x-amz-trailer-signature"));
    }

    [Fact]
    public void Aws_documentation_trailer_example_with_another_checksum_value_fails_the_trailer_signature()
    {
        var body = AwsDocumentationBody(
            ["b474d8862b1487a5145d686f57f013e54db672cee1c953b3010fb58501ef5aa2", "1c1344b170168f8e65b41376b44b20fe354e373826ccbbe2c1d40a8cae51e5c7", "2ca2aba2005185cf7159c6277faf83795951dd77a3a99e6e65d5c9f85863f992"],
            "x-amz-checksum-crc32c:sOO8/A==\r\nx-amz-trailer-signature:d81f82fc3505edab99d459891051a732e8730629a2e4a59689829ca17fe2e435\r\n\r\n");
        var settings = AwsDocumentationSettings(AwsChunkedMode.SignedChunksWithTrailer, "106e2a8a18243abcf37539882f36619c00e2dfc72633413f02d3b74544bfeb8e") with
        {
            TrailingChecksum = ChecksumAlgorithm.Crc32C,
        };

        var error = Assert.Throws<PayloadIntegrityException>(() => StreamReading.ReadAll(new AwsChunkedDecodingStream(new MemoryStream(body), settings), 4096));

        Assert.Equal("SignatureDoesNotMatch", error.Code);
    }

    [Fact]
    public void Aws_documentation_trailer_upload_verifies_end_to_end()
    {
        // The seed request of the documented trailer example, verified by the SigV4 verifier, then its body.
        var request = new SigV4Request("PUT", "/examplebucket/chunkObject.txt", "", HeaderList.Of(
            ("Host", "s3.amazonaws.com"),
            ("x-amz-date", "20130524T000000Z"),
            ("x-amz-storage-class", "REDUCED_REDUNDANCY"),
            ("x-amz-content-sha256", PayloadHashes.StreamingSignedWithTrailer),
            ("Content-Encoding", "aws-chunked"),
            ("x-amz-decoded-content-length", "66560"),
            ("x-amz-trailer", "x-amz-checksum-crc32c"),
            ("Authorization", "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=content-encoding;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class;x-amz-trailer,Signature=106e2a8a18243abcf37539882f36619c00e2dfc72633413f02d3b74544bfeb8e")),
            PayloadHashes.StreamingSignedWithTrailer);
        var verifier = new SigV4Verifier(
            new InMemoryCredentialStore((AwsExampleCredentials.S3AccessKeyId, AwsExampleCredentials.S3Secret)),
            new FixedClock(AwsExampleCredentials.S3Time));
        var outcome = verifier.Verify(request);
        Assert.True(outcome.Succeeded, outcome.ToString());
        var settings = AwsChunkedSettings.FromHeaders(PayloadHashes.StreamingSignedWithTrailer, "x-amz-checksum-crc32c", "66560", outcome.Verified);
        var body = AwsDocumentationBody(
            ["b474d8862b1487a5145d686f57f013e54db672cee1c953b3010fb58501ef5aa2", "1c1344b170168f8e65b41376b44b20fe354e373826ccbbe2c1d40a8cae51e5c7", "2ca2aba2005185cf7159c6277faf83795951dd77a3a99e6e65d5c9f85863f992"],
            "x-amz-checksum-crc32c:sOO8/Q==\r\nx-amz-trailer-signature:d81f82fc3505edab99d459891051a732e8730629a2e4a59689829ca17fe2e435\r\n\r\n");

        using var stream = new AwsChunkedDecodingStream(new MemoryStream(body), settings);

        Assert.Equal(AwsDocumentationData(), StreamReading.ReadAll(stream, 65536));
        Assert.Equal("sOO8/Q==", stream.TrailingChecksumValue);
    }

    [Theory]
    [MemberData(nameof(ModesAndTrailers))]
    public void Every_mode_and_trailer_kind_decodes_and_verifies(AwsChunkedMode mode, string algorithmName)
    {
        var algorithm = ChecksumAlgorithm.FromName(algorithmName)!;
        var builder = new ChunkedBodyBuilder { Mode = mode, Trailers = [(algorithm.HeaderName, algorithm.ComputeBase64(Data))] };

        using var stream = new AwsChunkedDecodingStream(new MemoryStream(builder.Build(Data)), builder.Settings(algorithm, Data.Length));

        Assert.Equal(Data, StreamReading.ReadAll(stream, 4096));
        Assert.Equal(algorithm.ComputeBase64(Data), stream.TrailingChecksumValue);
        Assert.Equal(Data.Length, stream.DecodedLength);
    }

    [Theory]
    [MemberData(nameof(ModesAndTrailers))]
    public void Wrong_trailing_checksum_is_bad_digest(AwsChunkedMode mode, string algorithmName)
    {
        var algorithm = ChecksumAlgorithm.FromName(algorithmName)!;
        var other = algorithm.ComputeBase64(Data.AsSpan(1));
        var builder = new ChunkedBodyBuilder { Mode = mode, Trailers = [(algorithm.HeaderName, other)] };
        using var stream = new AwsChunkedDecodingStream(new MemoryStream(builder.Build(Data)), builder.Settings(algorithm));

        var error = Assert.Throws<PayloadIntegrityException>(() => StreamReading.ReadAll(stream, 4096));

        Assert.Equal("BadDigest", error.Code);
        Assert.Equal($"The {algorithm.Name} you specified did not match the calculated checksum.", error.Message);
        Assert.False(stream.IsComplete);
    }

    [Fact]
    public void Signed_chunks_without_trailer_decode()
    {
        var builder = new ChunkedBodyBuilder { Mode = AwsChunkedMode.SignedChunks, ChunkSize = 65536 };

        using var stream = new AwsChunkedDecodingStream(new MemoryStream(builder.Build(Data)), builder.Settings(decodedLength: Data.Length));

        Assert.Equal(Data, StreamReading.ReadAll(stream, 100_000));
    }

    [Theory]
    [InlineData(AwsChunkedMode.SignedChunks)]
    [InlineData(AwsChunkedMode.SignedChunksWithTrailer)]
    [InlineData(AwsChunkedMode.UnsignedChunksWithTrailer)]
    public void Empty_body_decodes(AwsChunkedMode mode)
    {
        var builder = new ChunkedBodyBuilder { Mode = mode };

        using var stream = new AwsChunkedDecodingStream(new MemoryStream(builder.Build([])), builder.Settings(decodedLength: 0));

        Assert.Empty(StreamReading.ReadAll(stream, 10));
        Assert.True(stream.IsComplete);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(4096)]
    [InlineData(1 << 20)]
    public async Task Reads_of_any_size_sync_or_async_give_identical_output(int bufferSize)
    {
        var builder = new ChunkedBodyBuilder
        {
            Mode = AwsChunkedMode.SignedChunksWithTrailer,
            ChunkSize = 9000,
            Trailers = [("x-amz-checksum-crc64nvme", ChecksumAlgorithm.Crc64Nvme.ComputeBase64(Data))],
        };
        var body = builder.Build(Data);

        using var sync = new AwsChunkedDecodingStream(new MemoryStream(body), builder.Settings(ChecksumAlgorithm.Crc64Nvme, Data.Length));
        using var async = new AwsChunkedDecodingStream(new MemoryStream(body), builder.Settings(ChecksumAlgorithm.Crc64Nvme, Data.Length));
        using var trickle = new AwsChunkedDecodingStream(new TrickleStream(body, 3), builder.Settings(ChecksumAlgorithm.Crc64Nvme, Data.Length));

        Assert.Equal(Data, StreamReading.ReadAll(sync, bufferSize));
        Assert.Equal(Data, await StreamReading.ReadAllAsync(async, bufferSize));
        Assert.Equal(Data, StreamReading.ReadAll(trickle, bufferSize));
    }

    [Fact]
    public async Task CopyToAsync_gives_the_decoded_body()
    {
        var builder = new ChunkedBodyBuilder { Mode = AwsChunkedMode.UnsignedChunksWithTrailer, Trailers = [("x-amz-checksum-crc32", ChecksumAlgorithm.Crc32.ComputeBase64(Data))] };
        await using var stream = new AwsChunkedDecodingStream(new MemoryStream(builder.Build(Data)), builder.Settings(ChecksumAlgorithm.Crc32));
        using var output = new MemoryStream();

        await stream.CopyToAsync(output);

        Assert.Equal(Data, output.ToArray());
    }

    [Theory]
    [InlineData(100)]
    [InlineData(8191)]
    [InlineData(30_000)]
    [InlineData(70_000)]
    public void Tampered_chunk_data_fails_the_chunk_signature(int position)
    {
        var builder = new ChunkedBodyBuilder { Mode = AwsChunkedMode.SignedChunks };
        var body = builder.Build(Data);
        var dataOffset = IndexOf(body, Data.AsSpan(position - 15, 16).ToArray()) + 15;
        body[dataOffset] ^= 0x01;

        var error = Assert.Throws<PayloadIntegrityException>(() => StreamReading.ReadAll(new AwsChunkedDecodingStream(new MemoryStream(body), builder.Settings()), 4096));

        Assert.Equal("SignatureDoesNotMatch", error.Code);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(8)]
    public void Tampered_chunk_signature_fails(int chunkIndex)
    {
        var builder = new ChunkedBodyBuilder { Mode = AwsChunkedMode.SignedChunks };
        var body = builder.Build(Data);
        var signatureOffset = NthIndexOf(body, "chunk-signature="u8.ToArray(), chunkIndex) + "chunk-signature=".Length;
        body[signatureOffset + 10] = body[signatureOffset + 10] == (byte)'a' ? (byte)'b' : (byte)'a';

        var error = Assert.Throws<PayloadIntegrityException>(() => StreamReading.ReadAll(new AwsChunkedDecodingStream(new MemoryStream(body), builder.Settings()), 4096));

        Assert.Equal("SignatureDoesNotMatch", error.Code);
    }

    [Fact]
    public void Wrong_seed_signature_fails_the_first_chunk()
    {
        var builder = new ChunkedBodyBuilder { Mode = AwsChunkedMode.SignedChunks };
        var settings = builder.Settings() with
        {
            Seed = StreamingSignatureSeed.FromSecret(ChunkedBodyBuilder.Secret, ChunkedBodyBuilder.Timestamp, ChunkedBodyBuilder.Region, "s3", new string('f', 64)),
        };

        var error = Assert.Throws<PayloadIntegrityException>(() => StreamReading.ReadAll(new AwsChunkedDecodingStream(new MemoryStream(builder.Build(Data)), settings), 4096));

        Assert.Equal("SignatureDoesNotMatch", error.Code);
    }

    [Fact]
    public void Dropping_a_chunk_breaks_the_chain()
    {
        var builder = new ChunkedBodyBuilder { Mode = AwsChunkedMode.SignedChunks, ChunkSize = 10_000 };
        var body = builder.Build(Data);
        var second = NthIndexOf(body, "2710;chunk-signature="u8.ToArray(), 1);
        var third = NthIndexOf(body, "2710;chunk-signature="u8.ToArray(), 2);
        var withoutSecond = body[..second].Concat(body[third..]).ToArray();

        var error = Assert.Throws<PayloadIntegrityException>(() => StreamReading.ReadAll(new AwsChunkedDecodingStream(new MemoryStream(withoutSecond), builder.Settings()), 4096));

        Assert.Equal("SignatureDoesNotMatch", error.Code);
    }

    [Fact]
    public void Tampered_trailer_signature_fails()
    {
        var checksum = ChecksumAlgorithm.Sha256.ComputeBase64(Data);
        var builder = new ChunkedBodyBuilder { Mode = AwsChunkedMode.SignedChunksWithTrailer, Trailers = [("x-amz-checksum-sha256", checksum)] };
        var body = builder.Build(Data);
        var offset = IndexOf(body, "x-amz-trailer-signature:"u8.ToArray()) + "x-amz-trailer-signature:".Length;
        body[offset] = body[offset] == (byte)'0' ? (byte)'1' : (byte)'0';

        var error = Assert.Throws<PayloadIntegrityException>(() => StreamReading.ReadAll(new AwsChunkedDecodingStream(new MemoryStream(body), builder.Settings(ChecksumAlgorithm.Sha256)), 4096));

        Assert.Equal("SignatureDoesNotMatch", error.Code);
    }

    [Theory]
    [InlineData(AwsChunkedMode.SignedChunks)]
    [InlineData(AwsChunkedMode.SignedChunksWithTrailer)]
    [InlineData(AwsChunkedMode.UnsignedChunksWithTrailer)]
    public void Truncated_body_fails_and_never_succeeds(AwsChunkedMode mode)
    {
        var data = Data[..20_000];
        var builder = new ChunkedBodyBuilder
        {
            Mode = mode,
            Trailers = mode == AwsChunkedMode.SignedChunks ? [] : [("x-amz-checksum-crc32c", ChecksumAlgorithm.Crc32C.ComputeBase64(data))],
        };
        var checksum = mode == AwsChunkedMode.SignedChunks ? null : ChecksumAlgorithm.Crc32C;
        var body = builder.Build(data);

        // Every cut except inside the closing empty line, which carries nothing.
        for (var length = 0; length < body.Length - 2; length += length < 200 || length > body.Length - 300 ? 1 : 97)
        {
            var cut = body[..length];
            var error = Assert.Throws<PayloadIntegrityException>(() => StreamReading.ReadAll(new AwsChunkedDecodingStream(new MemoryStream(cut), builder.Settings(checksum)), 4096));
            Assert.Contains(error.Code, new[] { "IncompleteBody", "MalformedTrailerError", "SignatureDoesNotMatch", "InvalidRequest" });
        }
    }

    [Fact]
    public void Truncated_data_is_incomplete_body()
    {
        var builder = new ChunkedBodyBuilder { Mode = AwsChunkedMode.SignedChunks };
        var body = builder.Build(Data);

        var error = Assert.Throws<PayloadIntegrityException>(() => StreamReading.ReadAll(new AwsChunkedDecodingStream(new MemoryStream(body[..(body.Length / 2)]), builder.Settings()), 4096));

        Assert.Equal("IncompleteBody", error.Code);
    }

    [Fact]
    public void Missing_closing_empty_line_is_tolerated()
    {
        var builder = new ChunkedBodyBuilder { Mode = AwsChunkedMode.UnsignedChunksWithTrailer, OmitFinalLine = true, Trailers = [("x-amz-checksum-crc32", ChecksumAlgorithm.Crc32.ComputeBase64(Data))] };

        using var stream = new AwsChunkedDecodingStream(new MemoryStream(builder.Build(Data)), builder.Settings(ChecksumAlgorithm.Crc32));

        Assert.Equal(Data, StreamReading.ReadAll(stream, 4096));
    }

    [Fact]
    public void Blank_line_before_trailers_and_bare_line_feeds_are_tolerated()
    {
        var builder = new ChunkedBodyBuilder
        {
            Mode = AwsChunkedMode.SignedChunksWithTrailer,
            BlankLineBeforeTrailers = true,
            TrailerLineEnd = "\n",
            Trailers = [("x-amz-checksum-sha1", ChecksumAlgorithm.Sha1.ComputeBase64(Data))],
        };

        using var stream = new AwsChunkedDecodingStream(new MemoryStream(builder.Build(Data)), builder.Settings(ChecksumAlgorithm.Sha1));

        Assert.Equal(Data, StreamReading.ReadAll(stream, 4096));
    }

    [Fact]
    public void Unsigned_trailer_mode_without_declared_trailer_decodes()
    {
        var builder = new ChunkedBodyBuilder { Mode = AwsChunkedMode.UnsignedChunksWithTrailer };

        using var stream = new AwsChunkedDecodingStream(new MemoryStream(builder.Build(Data)), builder.Settings());

        Assert.Equal(Data, StreamReading.ReadAll(stream, 4096));
        Assert.Empty(stream.Trailers);
    }

    [Fact]
    public void Missing_declared_trailer_is_malformed()
    {
        var builder = new ChunkedBodyBuilder { Mode = AwsChunkedMode.SignedChunksWithTrailer };

        var error = Assert.Throws<PayloadIntegrityException>(() => StreamReading.ReadAll(new AwsChunkedDecodingStream(new MemoryStream(builder.Build(Data)), builder.Settings(ChecksumAlgorithm.Crc32)), 4096));

        Assert.Equal("MalformedTrailerError", error.Code);
        Assert.Contains("x-amz-checksum-crc32", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Body_ending_where_a_declared_trailer_should_be_is_incomplete()
    {
        var builder = new ChunkedBodyBuilder { Mode = AwsChunkedMode.UnsignedChunksWithTrailer };

        var error = Assert.Throws<PayloadIntegrityException>(() => StreamReading.ReadAll(new AwsChunkedDecodingStream(new MemoryStream(builder.Build(Data)), builder.Settings(ChecksumAlgorithm.Crc32)), 4096));

        Assert.Equal("IncompleteBody", error.Code);
    }

    [Fact]
    public void Undeclared_trailer_is_malformed()
    {
        var builder = new ChunkedBodyBuilder { Mode = AwsChunkedMode.UnsignedChunksWithTrailer, Trailers = [("x-amz-checksum-sha256", ChecksumAlgorithm.Sha256.ComputeBase64(Data))] };

        var error = Assert.Throws<PayloadIntegrityException>(() => StreamReading.ReadAll(new AwsChunkedDecodingStream(new MemoryStream(builder.Build(Data)), builder.Settings(ChecksumAlgorithm.Crc32)), 4096));

        Assert.Equal("MalformedTrailerError", error.Code);
    }

    [Fact]
    public void Missing_trailer_signature_is_malformed()
    {
        var builder = new ChunkedBodyBuilder
        {
            Mode = AwsChunkedMode.SignedChunksWithTrailer,
            OmitTrailerSignature = true,
            Trailers = [("x-amz-checksum-crc32", ChecksumAlgorithm.Crc32.ComputeBase64(Data))],
        };

        var error = Assert.Throws<PayloadIntegrityException>(() => StreamReading.ReadAll(new AwsChunkedDecodingStream(new MemoryStream(builder.Build(Data)), builder.Settings(ChecksumAlgorithm.Crc32)), 4096));

        Assert.Equal("MalformedTrailerError", error.Code);
        Assert.Contains("x-amz-trailer-signature", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Trailer_value_that_is_not_a_digest_is_invalid()
    {
        var builder = new ChunkedBodyBuilder { Mode = AwsChunkedMode.UnsignedChunksWithTrailer, Trailers = [("x-amz-checksum-crc32", "not-base64")] };

        var error = Assert.Throws<PayloadIntegrityException>(() => StreamReading.ReadAll(new AwsChunkedDecodingStream(new MemoryStream(builder.Build(Data)), builder.Settings(ChecksumAlgorithm.Crc32)), 4096));

        Assert.Equal("InvalidRequest", error.Code);
        Assert.Equal("Value for x-amz-checksum-crc32 trailing header is invalid.", error.Message);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(-1)]
    public void Decoded_length_other_than_declared_is_incomplete_body(int difference)
    {
        var builder = new ChunkedBodyBuilder { Mode = AwsChunkedMode.SignedChunks };

        var error = Assert.Throws<PayloadIntegrityException>(() => StreamReading.ReadAll(new AwsChunkedDecodingStream(new MemoryStream(builder.Build(Data)), builder.Settings(decodedLength: Data.Length + difference)), 4096));

        Assert.Equal("IncompleteBody", error.Code);
    }

    [Theory]
    [InlineData("4000001;chunk-signature=00\r\n", "InvalidChunkSizeError")]
    [InlineData("ffffffffffffffffff\r\n", "InvalidChunkSizeError")]
    [InlineData("zz;chunk-signature=00\r\n", "InvalidChunkSizeError")]
    [InlineData(";chunk-signature=00\r\n", "InvalidChunkSizeError")]
    [InlineData("10\r\n", "IncompleteSignature")]
    [InlineData("10;chunk-signatur=00\r\n", "IncompleteSignature")]
    public void Malformed_chunk_header_is_refused(string header, string expectedCode)
    {
        var settings = new ChunkedBodyBuilder { Mode = AwsChunkedMode.SignedChunks }.Settings();

        var error = Assert.Throws<PayloadIntegrityException>(() => StreamReading.ReadAll(new AwsChunkedDecodingStream(new MemoryStream(Encoding.ASCII.GetBytes(header + new string('a', 16) + "\r\n")), settings), 4096));

        Assert.Equal(expectedCode, error.Code);
    }

    [Fact]
    public void Chunk_size_disagreeing_with_its_data_is_refused()
    {
        var body = "5\r\nhello world\r\n0\r\n\r\n"u8.ToArray();

        var error = Assert.Throws<PayloadIntegrityException>(() => StreamReading.ReadAll(new AwsChunkedDecodingStream(new MemoryStream(body), new AwsChunkedSettings { Mode = AwsChunkedMode.UnsignedChunksWithTrailer }), 4096));

        Assert.Equal("InvalidRequest", error.Code);
    }

    [Fact]
    public void Endless_header_line_is_refused_after_a_bounded_read()
    {
        var endless = new EndlessStream((byte)'f');
        var stream = new AwsChunkedDecodingStream(endless, new AwsChunkedSettings { Mode = AwsChunkedMode.UnsignedChunksWithTrailer });

        var error = Assert.Throws<PayloadIntegrityException>(() => StreamReading.ReadAll(stream, 4096));

        Assert.Equal("InvalidRequest", error.Code);
        Assert.InRange(endless.Served, AwsChunkedDecodingStream.MaxLineLength, 64 * 1024);
    }

    [Fact]
    public void Endless_trailer_section_is_refused()
    {
        var body = new MemoryStream();
        body.Write("0\r\n"u8);
        for (var i = 0; i < 20; i++)
        {
            body.Write("x-amz-checksum-crc32:AAAAAA==\r\n"u8);
        }

        var error = Assert.Throws<PayloadIntegrityException>(() => StreamReading.ReadAll(new AwsChunkedDecodingStream(new MemoryStream(body.ToArray()), new AwsChunkedSettings { Mode = AwsChunkedMode.UnsignedChunksWithTrailer, TrailingChecksum = ChecksumAlgorithm.Crc32 }), 4096));

        Assert.Equal("MalformedTrailerError", error.Code);
    }

    [Fact]
    public void Data_after_the_end_is_refused()
    {
        var builder = new ChunkedBodyBuilder { Mode = AwsChunkedMode.SignedChunks };
        var body = builder.Build(Data).Concat("0\r\n\r\n"u8.ToArray()).ToArray();

        var error = Assert.Throws<PayloadIntegrityException>(() => StreamReading.ReadAll(new AwsChunkedDecodingStream(new MemoryStream(body), builder.Settings()), 1 << 20));

        Assert.Equal("InvalidRequest", error.Code);
    }

    [Fact]
    public void Trailers_are_unknown_before_the_end()
    {
        var builder = new ChunkedBodyBuilder { Mode = AwsChunkedMode.SignedChunks };
        using var stream = new AwsChunkedDecodingStream(new MemoryStream(builder.Build(Data)), builder.Settings());
        _ = stream.Read(new byte[10]);

        Assert.Throws<InvalidOperationException>(() => stream.Trailers);
        Assert.False(stream.IsComplete);
    }

    [Fact]
    public void Stream_is_read_only_and_forward_only()
    {
        var inner = new MemoryStream(new ChunkedBodyBuilder { Mode = AwsChunkedMode.SignedChunks }.Build([]));
        var stream = new AwsChunkedDecodingStream(inner, new ChunkedBodyBuilder().Settings(), leaveOpen: true);

        Assert.True(stream.CanRead);
        Assert.False(stream.CanSeek);
        Assert.False(stream.CanWrite);
        Assert.Throws<NotSupportedException>(() => stream.Length);
        Assert.Throws<NotSupportedException>(() => stream.Seek(0, SeekOrigin.Begin));
        Assert.Throws<NotSupportedException>(() => stream.Write(new byte[1], 0, 1));
        Assert.Equal(0, stream.Read(Span<byte>.Empty));
        stream.Dispose();
        Assert.False(stream.CanRead);
        Assert.True(inner.CanRead);
    }

    [Fact]
    public void Settings_from_headers()
    {
        var seedless = AwsChunkedSettings.FromHeaders(PayloadHashes.StreamingUnsignedWithTrailer, " x-amz-checksum-crc64nvme ", "1024", null);

        Assert.Equal(AwsChunkedMode.UnsignedChunksWithTrailer, seedless.Mode);
        Assert.Same(ChecksumAlgorithm.Crc64Nvme, seedless.TrailingChecksum);
        Assert.Equal(1024, seedless.DecodedContentLength);
        Assert.Null(seedless.Seed);
    }

    [Theory]
    [InlineData(PayloadHashes.UnsignedPayload, null, null, "InvalidArgument")]
    [InlineData(PayloadHashes.StreamingSigned, null, null, "InvalidRequest")]
    [InlineData(PayloadHashes.StreamingUnsignedWithTrailer, "x-amz-checksum-md5", null, "InvalidRequest")]
    [InlineData(PayloadHashes.StreamingUnsignedWithTrailer, "x-amz-checksum-crc32,x-amz-checksum-sha1", null, "InvalidRequest")]
    [InlineData(PayloadHashes.StreamingUnsignedWithTrailer, null, "-1", "InvalidArgument")]
    [InlineData(PayloadHashes.StreamingUnsignedWithTrailer, null, "ten", "InvalidArgument")]
    public void Unusable_headers_are_refused(string contentSha256, string? trailer, string? decodedLength, string expectedCode)
    {
        var error = Assert.Throws<PayloadIntegrityException>(() => AwsChunkedSettings.FromHeaders(contentSha256, trailer, decodedLength, null));

        Assert.Equal(expectedCode, error.Code);
    }

    internal static byte[] RandomBytes(int length, int seed)
    {
        var data = new byte[length];
        new Random(seed).NextBytes(data);
        return data;
    }

    private static byte[] AwsDocumentationData() => Encoding.ASCII.GetBytes(new string('a', 66560));

    private static byte[] AwsDocumentationBody(string[] signatures, string afterFinalChunk)
    {
        var text = $"10000;chunk-signature={signatures[0]}\r\n{new string('a', 65536)}\r\n"
            + $"400;chunk-signature={signatures[1]}\r\n{new string('a', 1024)}\r\n"
            + $"0;chunk-signature={signatures[2]}\r\n{afterFinalChunk}";
        return Encoding.ASCII.GetBytes(text);
    }

    private static AwsChunkedSettings AwsDocumentationSettings(AwsChunkedMode mode, string seedSignature) => new()
    {
        Mode = mode,
        Seed = StreamingSignatureSeed.FromSecret(AwsExampleCredentials.S3Secret, "20130524T000000Z", "us-east-1", "s3", seedSignature),
        DecodedContentLength = 66560,
    };

    private static int IndexOf(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle);

    private static int NthIndexOf(byte[] haystack, byte[] needle, int n)
    {
        var offset = 0;
        for (var i = 0; ; i++)
        {
            var found = haystack.AsSpan(offset).IndexOf(needle);
            Assert.True(found >= 0, "needle not found");
            if (i == n)
            {
                return offset + found;
            }

            offset += found + 1;
        }
    }
}

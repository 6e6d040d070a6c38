using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Amazon.Runtime;
using Amazon.Runtime.Internal;
using Amazon.Runtime.Internal.Util;
using Amazon.S3;
using Amazon.S3.Model;
using Vmie.Api.Auth.SigV4;
using Vmie.Api.Tests.Auth;
using Vmie.Api.Tests.Auth.Payload;
using StorageChecksum = Vmie.Storage.Checksums.ChecksumAlgorithm;

namespace Vmie.Api.Tests.Hosting;

/// <summary>
/// The request pipeline behind `vmie serve`, end to end: hand-built requests signed by the AWS SDK's own
/// signer, sent over HTTP to a real in-process server, checking what is answered and what is (not) stored.
/// </summary>
public sealed class RequestGatewayTests(GatewayTestHost server) : IClassFixture<GatewayTestHost>
{
    private const int SdkChunkSize = 81920;
    private const string FormContentType = "application/x-www-form-urlencoded; charset=utf-8";

    [Fact]
    public async Task A_body_that_does_not_match_its_signed_sha256_is_refused_and_nothing_is_stored()
    {
        var bucket = await NewBucketAsync();
        var data = RandomBytes(300_000, 1);
        using var http = server.Http();

        // The same request with its own body is accepted: the refusal below is the body's, not the signing's.
        using (var accepted = await http.SendAsync(SignedPut(bucket, "intact", data, data)))
        {
            Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        }

        Assert.Equal(data, await GetAsync(bucket, "intact"));
        var bodiesBefore = server.BodyFileCount();

        var tampered = (byte[])data.Clone();
        tampered[200_000] ^= 0x01;
        using var response = await http.SendAsync(SignedPut(bucket, "k", data, tampered));

        await AssertS3ErrorAsync(response, HttpStatusCode.BadRequest, "XAmzContentSHA256Mismatch");
        await AssertNotStoredAsync(bucket, "k", bodiesBefore);

        // Over an existing key, the refused body leaves the previous version as it was.
        using var overwrite = await http.SendAsync(SignedPut(bucket, "intact", data, tampered));
        await AssertS3ErrorAsync(overwrite, HttpStatusCode.BadRequest, "XAmzContentSHA256Mismatch");
        Assert.Equal(data, await GetAsync(bucket, "intact"));
        Assert.Equal(bodiesBefore, server.BodyFileCount());
    }

    /// <summary>Where a signed aws-chunked body (3 MiB, so it spans several reads of the store) is altered.</summary>
    public enum Tampering
    {
        FirstChunkData,
        MiddleChunkData,
        LastChunkData,
        FinalChunkSignature,
        TrailingChecksum,
        TrailerSignature,
    }

    [Theory]
    [InlineData(Tampering.FirstChunkData)]
    [InlineData(Tampering.MiddleChunkData)]
    [InlineData(Tampering.LastChunkData)]
    [InlineData(Tampering.FinalChunkSignature)]
    [InlineData(Tampering.TrailingChecksum)]
    [InlineData(Tampering.TrailerSignature)]
    public async Task An_aws_chunked_body_with_a_tampered_chunk_is_refused_and_nothing_is_stored(Tampering tampering)
    {
        var bucket = await NewBucketAsync();
        var bodiesBefore = server.BodyFileCount();
        var data = RandomBytes((3 * 1024 * 1024) + 12_345, 2);
        var (request, body) = SdkChunkedPut(bucket, "k", data);
        var finalChunk = body.AsSpan().LastIndexOf("\r\n0;chunk-signature="u8) + 2;
        switch (tampering)
        {
            case Tampering.FirstChunkData:
                body[body.AsSpan().IndexOf("\r\n"u8) + 2] ^= 0x40;
                break;
            case Tampering.MiddleChunkData:
                // A data byte of the first chunk that starts past the middle of the body.
                var header = (body.Length / 2) + body.AsSpan(body.Length / 2).IndexOf(";chunk-signature="u8);
                body[header + body.AsSpan(header).IndexOf("\r\n"u8) + 2 + 1000] ^= 0x40;
                break;
            case Tampering.LastChunkData:
                body[finalChunk - 3] ^= 0x40;
                break;
            case Tampering.FinalChunkSignature:
                FlipHexDigit(body, finalChunk + "0;chunk-signature=".Length + 10);
                break;
            case Tampering.TrailingChecksum:
                var value = body.AsSpan().IndexOf("x-amz-checksum-crc32:"u8) + "x-amz-checksum-crc32:".Length;
                Encoding.ASCII.GetBytes(StorageChecksum.Crc32.ComputeBase64("other"u8)).CopyTo(body, value);
                break;
            case Tampering.TrailerSignature:
                FlipHexDigit(body, body.AsSpan().IndexOf("x-amz-trailer-signature:"u8) + "x-amz-trailer-signature:".Length + 10);
                break;
        }

        using var http = server.Http();
        using var response = await http.SendAsync(SdkSignedHttpRequest.ToHttp(request, new ByteArrayContent(body)));

        // The trailer signature covers the checksum line, so a changed checksum is a signature failure too.
        await AssertS3ErrorAsync(response, HttpStatusCode.Forbidden, "SignatureDoesNotMatch");
        await AssertNotStoredAsync(bucket, "k", bodiesBefore);
    }

    [Fact]
    public async Task An_unsigned_payload_with_a_wrong_trailing_crc32_is_refused_and_nothing_is_stored()
    {
        var bucket = await NewBucketAsync();
        var bodiesBefore = server.BodyFileCount();
        var data = RandomBytes(150_000, 3);
        var wrong = StorageChecksum.Crc32.ComputeBase64("something else"u8);
        using var http = server.Http();

        using var response = await http.SendAsync(UnsignedTrailerPut(bucket, "k", data, wrong));

        await AssertS3ErrorAsync(response, HttpStatusCode.BadRequest, "BadDigest");
        await AssertNotStoredAsync(bucket, "k", bodiesBefore);
    }

    [Fact]
    public async Task Correct_chunked_uploads_with_trailing_checksums_store_the_decoded_bytes()
    {
        var bucket = await NewBucketAsync();
        var data = RandomBytes(250_000, 4);
        using var http = server.Http();

        var (request, body) = SdkChunkedPut(bucket, "signed", data);
        using (var signed = await http.SendAsync(SdkSignedHttpRequest.ToHttp(request, new ByteArrayContent(body))))
        {
            Assert.Equal(HttpStatusCode.OK, signed.StatusCode);
        }

        using (var unsigned = await http.SendAsync(UnsignedTrailerPut(bucket, "unsigned", data, trailerValue: null)))
        {
            Assert.Equal(HttpStatusCode.OK, unsigned.StatusCode);
        }

        using var s3 = server.S3();
        foreach (var key in new[] { "signed", "unsigned" })
        {
            Assert.Equal(data, await GetAsync(bucket, key));
            var head = await s3.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = bucket, Key = key, ChecksumMode = ChecksumMode.ENABLED });
            Assert.Equal(data.Length, head.ContentLength);
            Assert.Equal(StorageChecksum.Crc32.ComputeBase64(data), head.ChecksumCRC32);
            Assert.Null(head.Headers.ContentEncoding);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_ec2_form_over_one_mebibyte_is_refused_with_the_ec2_error_envelope(bool withoutContentLength)
    {
        var form = Encoding.ASCII.GetBytes("Action=DescribeSnapshots&Version=2016-11-15&Filter.1.Name=description&Filter.1.Value.1=" + new string('a', 1024 * 1024));
        var request = AwsSdkTestClient.NewRequest("Amazon.EC2", "POST", "/", server.Endpoint);
        request.Headers["Content-Type"] = FormContentType;
        request.Content = form;
        SdkSignedHttpRequest.Sign(request, "ec2");
        var message = SdkSignedHttpRequest.ToHttp(request, new ByteArrayContent(form));
        if (withoutContentLength)
        {
            // Chunked transfer: the size is only found out by reading.
            message.Headers.TransferEncodingChunked = true;
        }

        using var http = server.Http();
        using var response = await http.SendAsync(message);

        await AssertEc2ErrorAsync(response, HttpStatusCode.RequestEntityTooLarge, "InvalidParameterValue");
    }

    [Fact]
    public async Task A_request_signed_for_a_service_vmie_does_not_serve_gets_the_query_error_shape()
    {
        var form = "Action=ListUsers&Version=2010-05-08"u8.ToArray();
        var request = AwsSdkTestClient.NewRequest("AmazonIdentityManagementService", "POST", "/", server.Endpoint);
        request.Headers["Content-Type"] = FormContentType;
        request.Content = form;
        SdkSignedHttpRequest.Sign(request, "iam");

        using var http = server.Http();
        using var response = await http.SendAsync(SdkSignedHttpRequest.ToHttp(request, new ByteArrayContent(form)));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var root = XDocument.Parse(await response.Content.ReadAsStringAsync()).Root!;
        Assert.Equal("ErrorResponse", root.Name.LocalName);
        var error = root.Element("Error")!;
        Assert.Equal("Sender", error.Element("Type")?.Value);
        Assert.Equal("InvalidAction", error.Element("Code")?.Value);
        Assert.Contains("'iam'", error.Element("Message")?.Value, StringComparison.Ordinal);
        Assert.Equal(RequestId(response), root.Element("RequestId")?.Value);
    }

    [Fact]
    public async Task Unsigned_requests_are_refused_in_each_protocol_s_own_shape()
    {
        var bucket = await NewBucketAsync();
        await server.S3().PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "secret" });
        using var http = server.Http();

        using (var s3 = await http.GetAsync($"/{bucket}/k"))
        {
            await AssertS3ErrorAsync(s3, HttpStatusCode.Forbidden, "AccessDenied");
        }

        using var ec2 = await http.PostAsync("/", new StringContent("Action=DescribeSnapshots&Version=2016-11-15", Encoding.ASCII, "application/x-www-form-urlencoded"));
        await AssertEc2ErrorAsync(ec2, HttpStatusCode.Unauthorized, "AuthFailure");
    }

    [Fact]
    public async Task An_x_amz_meta_header_added_after_signing_is_refused()
    {
        var bucket = await NewBucketAsync();
        var bodiesBefore = server.BodyFileCount();
        var data = "payload"u8.ToArray();
        var message = SignedPut(bucket, "k", data, data);
        message.Headers.TryAddWithoutValidation("x-amz-meta-injected", "yes");
        using var http = server.Http();

        using var response = await http.SendAsync(message);

        await AssertS3ErrorAsync(response, HttpStatusCode.Forbidden, "AccessDenied");
        await AssertNotStoredAsync(bucket, "k", bodiesBefore);
    }

    /// <summary>A PUT whose x-amz-content-sha256 is the hex SHA-256 of <paramref name="signedBody"/>, sending <paramref name="sentBody"/>.</summary>
    private HttpRequestMessage SignedPut(string bucket, string key, byte[] signedBody, byte[] sentBody)
    {
        var request = S3Request("PUT", bucket, key);
        request.Content = signedBody;
        SdkSignedHttpRequest.Sign(request, "s3");
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(signedBody)), request.Headers["X-Amz-Content-SHA256"]);
        return SdkSignedHttpRequest.ToHttp(request, new ByteArrayContent(sentBody));
    }

    /// <summary>A PUT with signed aws-chunked framing and a trailing CRC32, encoded by the SDK's own stream.</summary>
    private (DefaultRequest Request, byte[] Body) SdkChunkedPut(string bucket, string key, byte[] data)
    {
        var request = S3Request("PUT", bucket, key);
        request.ContentStream = new MemoryStream(data);
        request.UseChunkEncoding = true;
        request.Headers["Content-Length"] = data.Length.ToString(CultureInfo.InvariantCulture);
        request.SelectedChecksum = CoreChecksumAlgorithm.CRC32;
        request.TrailingHeaders["x-amz-checksum-crc32"] = string.Empty;
        var signed = SdkSignedHttpRequest.Sign(request, "s3");
        Assert.Equal(PayloadHashes.StreamingSignedWithTrailer, request.Headers["X-Amz-Content-SHA256"]);

        using var encoder = new ChunkedUploadWrapperStream(new MemoryStream(data), SdkChunkSize, signed, CoreChecksumAlgorithm.CRC32, request.TrailingHeaders, new CachedChecksum { OnComplete = _ => { } });
        var body = StreamReading.ReadAll(encoder, 65536);
        Assert.Equal(request.Headers["Content-Length"], body.Length.ToString(CultureInfo.InvariantCulture));
        return (request, body);
    }

    /// <summary>
    /// A PUT with STREAMING-UNSIGNED-PAYLOAD-TRAILER, as the SDK sends it (only over HTTPS, hence the endpoint it
    /// is signed for): unsigned chunks, then an x-amz-checksum-crc32 trailer, encoded by the SDK's own stream.
    /// </summary>
    /// <param name="trailerValue">Replaces the CRC32 the SDK computed in the trailer; null keeps it.</param>
    private HttpRequestMessage UnsignedTrailerPut(string bucket, string key, byte[] data, string? trailerValue)
    {
        var request = S3Request("PUT", bucket, key, new UriBuilder(server.Endpoint) { Scheme = Uri.UriSchemeHttps, Port = server.Endpoint.Port }.Uri);
        request.ContentStream = new MemoryStream(data);
        request.Headers["Content-Length"] = data.Length.ToString(CultureInfo.InvariantCulture);
        request.DisablePayloadSigning = true;
        request.SelectedChecksum = CoreChecksumAlgorithm.CRC32;
        request.TrailingHeaders["x-amz-checksum-crc32"] = string.Empty;
        SdkSignedHttpRequest.Sign(request, "s3");
        Assert.Equal(PayloadHashes.StreamingUnsignedWithTrailer, request.Headers["X-Amz-Content-SHA256"]);

        byte[] body;
        using (var encoder = new TrailingHeadersWrapperStream(new MemoryStream(data), request.TrailingHeaders, CoreChecksumAlgorithm.CRC32, new CachedChecksum { OnComplete = _ => { } }))
        {
            body = StreamReading.ReadAll(encoder, 65536);
        }

        Assert.Equal(request.Headers["Content-Length"], body.Length.ToString(CultureInfo.InvariantCulture));
        var text = Encoding.ASCII.GetString(body);
        var trailer = "x-amz-checksum-crc32:" + StorageChecksum.Crc32.ComputeBase64(data);
        Assert.Contains(trailer, text, StringComparison.Ordinal);
        if (trailerValue is not null)
        {
            // Same length, so the signed Content-Length still holds: only the checksum is wrong.
            var replaced = "x-amz-checksum-crc32:" + trailerValue;
            Assert.Equal(trailer.Length, replaced.Length);
            body = Encoding.ASCII.GetBytes(text.Replace(trailer, replaced, StringComparison.Ordinal));
        }

        return SdkSignedHttpRequest.ToHttp(request, new ByteArrayContent(body));
    }

    private DefaultRequest S3Request(string method, string bucket, string key, Uri? signedFor = null)
    {
        var request = AwsSdkTestClient.NewRequest("Amazon.S3", method, $"/{bucket}/{key}", signedFor ?? server.Endpoint);
        request.UseDoubleEncoding = false;
        return request;
    }

    private async Task<string> NewBucketAsync()
    {
        var bucket = "gateway-" + Guid.NewGuid().ToString("N")[..16];
        using var s3 = server.S3();
        await s3.PutBucketAsync(new PutBucketRequest { BucketName = bucket });
        return bucket;
    }

    private async Task<byte[]> GetAsync(string bucket, string key)
    {
        using var s3 = server.S3();
        using var response = await s3.GetObjectAsync(bucket, key);
        using var buffer = new MemoryStream();
        await response.ResponseStream.CopyToAsync(buffer);
        return buffer.ToArray();
    }

    /// <summary>No such key, no new body file, and nothing left in the temporary folder.</summary>
    private async Task AssertNotStoredAsync(string bucket, string key, int bodiesBefore)
    {
        using var s3 = server.S3();
        var missing = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.GetObjectMetadataAsync(bucket, key));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal(bodiesBefore, server.BodyFileCount());
        Assert.Equal(0, server.TemporaryFileCount());
    }

    private static async Task AssertS3ErrorAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"Expected {(int)status}, got {(int)response.StatusCode}: {text}");
        var root = XDocument.Parse(text).Root!;
        Assert.Equal("Error", root.Name.LocalName);
        Assert.Equal(code, root.Element("Code")?.Value);
        Assert.Equal(RequestId(response), root.Element("RequestId")?.Value);
    }

    private static async Task AssertEc2ErrorAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"Expected {(int)status}, got {(int)response.StatusCode}: {text}");
        var root = XDocument.Parse(text).Root!;
        Assert.Equal("Response", root.Name.LocalName);
        Assert.Equal(code, root.Element("Errors")?.Element("Error")?.Element("Code")?.Value);
        Assert.Equal(RequestId(response), root.Element("RequestID")?.Value);
    }

    /// <summary>Changes one hex digit of a signature to another hex digit, so the line stays well-formed.</summary>
    private static void FlipHexDigit(byte[] body, int index)
    {
        Assert.True(Uri.IsHexDigit((char)body[index]), $"Byte {index} is not a hex digit.");
        body[index] = body[index] == (byte)'0' ? (byte)'1' : (byte)'0';
    }

    private static string RequestId(HttpResponseMessage response) => response.Headers.GetValues("x-amz-request-id").Single();

    private static byte[] RandomBytes(int length, int seed)
    {
        var data = new byte[length];
        new Random(seed).NextBytes(data);
        return data;
    }
}

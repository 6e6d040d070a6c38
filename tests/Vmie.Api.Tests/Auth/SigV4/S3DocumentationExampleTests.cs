using Vmie.Api.Auth.SigV4;

namespace Vmie.Api.Tests.Auth.SigV4;

/// <summary>The worked examples of AWS's S3 SigV4 documentation (AKIAIOSFODNN7EXAMPLE, 20130524T000000Z).</summary>
public sealed class S3DocumentationExampleTests
{
    private const string Host = "examplebucket.s3.amazonaws.com";
    private const string Scope = "20130524/us-east-1/s3/aws4_request";
    private const string EmptyHash = PayloadHashes.EmptyBody;

    [Fact]
    public void Get_object_with_range()
    {
        var request = HeaderSigned("GET", "/test.txt", "", EmptyHash, "host;range;x-amz-content-sha256;x-amz-date",
            "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41", ("Range", "bytes=0-9"));

        var outcome = Verifier().Verify(request);

        Assert.True(outcome.Succeeded, outcome.ToString());
        Assert.Equal("s3", outcome.Verified.Service);
        Assert.Equal(EmptyHash, outcome.Verified.PayloadHash);
        Assert.Equal(["host", "range", "x-amz-content-sha256", "x-amz-date"], outcome.Verified.SignedHeaders);
    }

    [Fact]
    public void Get_object_with_range_canonical_request_matches_the_documentation()
    {
        var request = HeaderSigned("GET", "/test.txt", "", EmptyHash, "host;range;x-amz-content-sha256;x-amz-date",
            "0000000000000000000000000000000000000000000000000000000000000000", ("Range", "bytes=0-9"));

        var failure = Verifier().Verify(request).Failure;

        Assert.NotNull(failure);
        Assert.Equal(
            "GET\n/test.txt\n\nhost:examplebucket.s3.amazonaws.com\nrange:bytes=0-9\nx-amz-content-sha256:" + EmptyHash
            + "\nx-amz-date:20130524T000000Z\n\nhost;range;x-amz-content-sha256;x-amz-date\n" + EmptyHash,
            failure.CanonicalRequest);
        Assert.Equal(
            "AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972",
            failure.StringToSign);
    }

    [Theory]
    [InlineData("/test%24file.text")]
    [InlineData("/test$file.text")]
    public void Put_object_with_date_header_and_an_encoded_key(string rawPath)
    {
        const string bodyHash = "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072";
        var request = HeaderSigned("PUT", rawPath, "", bodyHash, "date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class",
            "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd",
            ("Date", "Fri, 24 May 2013 00:00:00 GMT"), ("x-amz-storage-class", "REDUCED_REDUNDANCY"));

        var outcome = Verifier().Verify(request);

        Assert.True(outcome.Succeeded, outcome.ToString());
    }

    [Fact]
    public void Get_bucket_lifecycle_query_parameter_without_value()
    {
        var request = HeaderSigned("GET", "/", "lifecycle", EmptyHash, "host;x-amz-content-sha256;x-amz-date",
            "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543");

        var outcome = Verifier().Verify(request);

        Assert.True(outcome.Succeeded, outcome.ToString());
    }

    [Fact]
    public void List_objects_with_unsorted_query()
    {
        var request = HeaderSigned("GET", "/", "max-keys=2&prefix=J", EmptyHash, "host;x-amz-content-sha256;x-amz-date",
            "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7");

        var outcome = Verifier().Verify(request);

        Assert.True(outcome.Succeeded, outcome.ToString());
    }

    [Fact]
    public void Presigned_get_object()
    {
        var outcome = Verifier(AwsExampleCredentials.S3Time.AddHours(23)).Verify(PresignedExample("aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404"));

        Assert.True(outcome.Succeeded, outcome.ToString());
        Assert.True(outcome.Verified.IsPresigned);
        Assert.Equal(PayloadHashes.UnsignedPayload, outcome.Verified.PayloadHash);
        Assert.Equal(AwsExampleCredentials.S3Time.AddSeconds(86400), outcome.Verified.ExpiresAt);
    }

    [Fact]
    public void Presigned_get_object_canonical_request_excludes_the_signature_and_uses_unsigned_payload()
    {
        var failure = Verifier().Verify(PresignedExample("1eeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404")).Failure;

        Assert.NotNull(failure);
        Assert.Equal(SigV4FailureKind.SignatureMismatch, failure.Kind);
        Assert.Equal(
            "GET\n/test.txt\nX-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"
            + "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host\nhost:examplebucket.s3.amazonaws.com\n\nhost\nUNSIGNED-PAYLOAD",
            failure.CanonicalRequest);
        Assert.EndsWith("3bfa292879f6447bbcda7001decf97f4a54dc650c8942174ae0a9121cf58ad04", failure.StringToSign, StringComparison.Ordinal);
    }

    [Fact]
    public void Presigned_get_object_after_expiry_is_expired()
    {
        var outcome = Verifier(AwsExampleCredentials.S3Time.AddSeconds(86401)).Verify(PresignedExample("aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404"));

        Assert.False(outcome.Succeeded);
        Assert.Equal(SigV4FailureKind.Expired, outcome.Failure.Kind);
        Assert.Equal(SigV4ExpiryReason.PresignedUrlExpired, outcome.Failure.ExpiryReason);
        Assert.Equal("Request has expired", outcome.Failure.Message);
    }

    [Fact]
    public void Chunked_upload_seed_request()
    {
        var request = new SigV4Request(
            "PUT",
            "/examplebucket/chunkObject.txt",
            "",
            HeaderList.Of(
                ("Host", "s3.amazonaws.com"),
                ("x-amz-date", "20130524T000000Z"),
                ("x-amz-storage-class", "REDUCED_REDUNDANCY"),
                ("Authorization", "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class,Signature=4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9"),
                ("x-amz-content-sha256", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"),
                ("Content-Encoding", "aws-chunked"),
                ("x-amz-decoded-content-length", "66560"),
                ("Content-Length", "66824")),
            PayloadHashes.StreamingSigned);

        var outcome = Verifier().Verify(request);

        Assert.True(outcome.Succeeded, outcome.ToString());
        Assert.Equal("4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9", outcome.Verified.StreamingSeed.SeedSignature);
        Assert.Equal("20130524T000000Z", outcome.Verified.StreamingSeed.Timestamp);
        Assert.Equal(Scope, outcome.Verified.StreamingSeed.Scope);
    }

    internal static SigV4Request PresignedExample(string signature) => new(
        "GET",
        "/test.txt",
        "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"
        + "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host&X-Amz-Signature=" + signature,
        HeaderList.Of(("Host", Host)),
        null);

    private static SigV4Request HeaderSigned(string method, string rawPath, string rawQuery, string payloadHash, string signedHeaders, string signature, params (string, string)[] extra)
    {
        (string, string)[] headers =
        [
            ("Host", Host),
            ("x-amz-date", "20130524T000000Z"),
            ("x-amz-content-sha256", payloadHash),
            .. extra,
            ("Authorization", $"AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/{Scope},SignedHeaders={signedHeaders},Signature={signature}"),
        ];
        return new SigV4Request(method, rawPath, rawQuery, HeaderList.Of(headers), payloadHash);
    }

    private static SigV4Verifier Verifier(DateTimeOffset? now = null) => new(
        new InMemoryCredentialStore((AwsExampleCredentials.S3AccessKeyId, AwsExampleCredentials.S3Secret)),
        new FixedClock(now ?? AwsExampleCredentials.S3Time));
}

using System.Security.Cryptography;
using System.Text;
using Amazon.Runtime.Internal.Auth;
using Amazon.Util;
using Vmie.Api.Auth.SigV4;

namespace Vmie.Api.Tests.Auth.SigV4;

/// <summary>Requests signed by the AWS SDK for .NET's own SigV4 signer must verify.</summary>
public sealed class AwsSdkSigningCrossCheckTests
{
    private const string AccessKeyId = "AKIAVMIESDKTEST00001";
    private const string Secret = "sdk/Secret+Key/abcdefghijklmnopqrstuvwxyz0123";
    private static readonly DateTime SignedAt = new(2025, 6, 1, 8, 30, 0, DateTimeKind.Utc);

    [Theory]
    [InlineData("plain.txt")]
    [InlineData("dir/sub dir/my key+plus=equals&amp.bin")]
    [InlineData("\u043a\u043b\u044e\u0447/\u00e9t\u00e9 (1).vmdk")]
    [InlineData("odd/./../chars~!'()*$@,;:.raw")]
    public void S3_put_signed_by_the_sdk_verifies(string key)
    {
        var body = Encoding.UTF8.GetBytes("disk image bytes");
        var request = AwsSdkTestClient.NewRequest("Amazon.S3", "PUT", "/import-bucket/{Key+}");
        request.AddPathResource("{Key+}", key);
        request.UseDoubleEncoding = false;
        request.Parameters["partNumber"] = "3";
        request.Parameters["uploadId"] = "a b/c+d";
        request.Headers["x-amz-storage-class"] = "STANDARD";
        request.Headers["x-amz-meta-note"] = "  two   spaces  ";
        request.Headers["Content-Type"] = "application/octet-stream";
        request.Content = body;

        var result = new AWS4Signer().SignRequest(request, AwsSdkTestClient.Config("s3", "us-east-1"), null, AccessKeyId, Secret, SignedAt);
        request.Headers["Authorization"] = result.ForAuthorizationHeader;
        var wire = AwsSdkTestClient.ToWire(request, request.Headers["X-Amz-Content-SHA256"]);

        var outcome = Verifier().Verify(wire);

        Assert.True(outcome.Succeeded, outcome.ToString() + "\n" + outcome.Failure?.CanonicalRequest);
        Assert.Equal(result.Signature, outcome.Verified.Signature);
        Assert.Equal("s3", outcome.Verified.Service);
    }

    [Fact]
    public void Ec2_form_post_signed_by_the_sdk_verifies()
    {
        var form = "Action=ImportImage&Version=2016-11-15&DiskContainer.1.Format=vmdk&DiskContainer.1.UserBucket.S3Bucket=b&DiskContainer.1.UserBucket.S3Key=k%20x.vmdk";
        var body = Encoding.UTF8.GetBytes(form);
        var request = AwsSdkTestClient.NewRequest("Amazon.EC2", "POST", "/");
        request.Headers["Content-Type"] = "application/x-www-form-urlencoded; charset=utf-8";
        request.Content = body;

        var result = new AWS4Signer().SignRequest(request, AwsSdkTestClient.Config("ec2", "eu-west-3"), null, AccessKeyId, Secret, SignedAt);
        request.Headers["Authorization"] = result.ForAuthorizationHeader;
        var wire = AwsSdkTestClient.ToWire(request, Convert.ToHexStringLower(SHA256.HashData(body)));

        var outcome = Verifier().Verify(wire);

        Assert.True(outcome.Succeeded, outcome.ToString() + "\n" + outcome.Failure?.CanonicalRequest);
        Assert.Equal("ec2", outcome.Verified.Service);
        Assert.Equal("eu-west-3", outcome.Verified.Region);
    }

    [Fact]
    public void Sdk_request_with_a_changed_body_does_not_verify()
    {
        var request = AwsSdkTestClient.NewRequest("Amazon.EC2", "POST", "/");
        request.Headers["Content-Type"] = "application/x-www-form-urlencoded; charset=utf-8";
        request.Content = Encoding.UTF8.GetBytes("Action=DescribeImages&Version=2016-11-15");

        var result = new AWS4Signer().SignRequest(request, AwsSdkTestClient.Config("ec2", "eu-west-3"), null, AccessKeyId, Secret, SignedAt);
        request.Headers["Authorization"] = result.ForAuthorizationHeader;
        var wire = AwsSdkTestClient.ToWire(request, Convert.ToHexStringLower(SHA256.HashData("Action=DeregisterImage&Version=2016-11-15"u8)));

        Assert.Equal(SigV4FailureKind.SignatureMismatch, Verifier().Verify(wire).Failure?.Kind);
    }

    [Theory]
    [InlineData("exports/export-ami-0123456789abcdef0.vmdk")]
    [InlineData("with space/and+plus.ova")]
    public void S3_url_presigned_by_the_sdk_verifies(string key)
    {
        var request = AwsSdkTestClient.NewRequest("Amazon.S3", "GET", "/export-bucket/{Key+}");
        request.AddPathResource("{Key+}", key);
        request.UseDoubleEncoding = false;
        request.Parameters["X-Amz-Expires"] = "900";
        request.Parameters["response-content-type"] = "application/octet-stream";

        // The presigner signs at the current time, so this test verifies against the real clock.
        var result = AWS4PreSignedUrlSigner.SignRequest(request, AwsSdkTestClient.Config("s3", "us-east-1"), null, AccessKeyId, Secret, "s3", "us-east-1");
        var parameters = string.Join('&', request.Parameters.Select(p => AWSSDKUtils.UrlEncode(p.Key, false) + "=" + AWSSDKUtils.UrlEncode(p.Value, false)));
        var pathOnly = AwsSdkTestClient.ToWire(request, null);
        var wire = pathOnly with { RawQuery = parameters + "&" + result.ForQueryParameters, Headers = HeaderList.Of(("Host", new Uri(AwsSdkTestClient.Endpoint).Authority)) };

        var outcome = new SigV4Verifier(new InMemoryCredentialStore((AccessKeyId, Secret)), TimeProvider.System).Verify(wire);

        Assert.True(outcome.Succeeded, outcome.ToString() + "\n" + outcome.Failure?.CanonicalRequest);
        Assert.True(outcome.Verified.IsPresigned);
        Assert.Equal(PayloadHashes.UnsignedPayload, outcome.Verified.PayloadHash);
    }

    [Fact]
    public void Sdk_leaves_user_agent_headers_unsigned_and_header_auth_accepts_that()
    {
        var request = AwsSdkTestClient.NewRequest("Amazon.S3", "GET", "/bucket/key");
        request.UseDoubleEncoding = false;
        request.Headers["User-Agent"] = "aws-sdk-dotnet-coreclr/4.0";
        request.Headers["x-amz-user-agent"] = "aws-sdk-dotnet-coreclr/4.0";

        var result = new AWS4Signer().SignRequest(request, AwsSdkTestClient.Config("s3", "us-east-1"), null, AccessKeyId, Secret, SignedAt);
        request.Headers["Authorization"] = result.ForAuthorizationHeader;

        var outcome = Verifier().Verify(AwsSdkTestClient.ToWire(request, request.Headers["X-Amz-Content-SHA256"]));

        Assert.True(outcome.Succeeded, outcome.ToString());
        Assert.DoesNotContain("x-amz-user-agent", outcome.Verified.SignedHeaders);
    }

    private static SigV4Verifier Verifier() => new(
        new InMemoryCredentialStore((AccessKeyId, Secret)),
        new FixedClock(new DateTimeOffset(SignedAt)));
}

using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using Amazon.S3.Util;

namespace Vmie.Api.Tests.Protocols.S3Rest;

public sealed class S3BucketTests(S3TestServer server) : IClassFixture<S3TestServer>
{
    [Fact]
    public async Task Bucket_lifecycle_through_the_sdk()
    {
        using var s3 = server.Client();
        var bucket = NewBucketName();
        await s3.PutBucketAsync(new PutBucketRequest { BucketName = bucket });
        Assert.True(await AmazonS3Util.DoesS3BucketExistV2Async(s3, bucket));

        var buckets = await s3.ListBucketsAsync(new ListBucketsRequest());
        Assert.Contains(buckets.Buckets, b => b.BucketName == bucket);
        Assert.Equal(S3TestServer.AccountId, buckets.Owner.Id);

        var location = await s3.GetBucketLocationAsync(new GetBucketLocationRequest { BucketName = bucket });
        Assert.True(string.IsNullOrEmpty(location.Location?.Value) || location.Location.Value == "us-east-1");

        // us-east-1 answers 200 when the owner re-creates a bucket it has.
        await s3.PutBucketAsync(new PutBucketRequest { BucketName = bucket });

        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "x" });
        var notEmpty = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.DeleteBucketAsync(bucket));
        Assert.Equal("BucketNotEmpty", notEmpty.ErrorCode);
        Assert.Equal(HttpStatusCode.Conflict, notEmpty.StatusCode);

        await s3.DeleteObjectAsync(bucket, "k");
        await s3.DeleteBucketAsync(bucket);
        Assert.False(await AmazonS3Util.DoesS3BucketExistV2Async(s3, bucket));

        var missing = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.GetObjectAsync(bucket, "k"));
        Assert.Equal("NoSuchBucket", missing.ErrorCode);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task Head_bucket_reports_the_region()
    {
        using var http = server.Http();
        var bucket = NewBucketName();
        using var s3 = server.Client();
        await s3.PutBucketAsync(new PutBucketRequest { BucketName = bucket });

        using var head = await http.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/" + bucket));
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal("us-east-1", head.Headers.GetValues("x-amz-bucket-region").Single());

        using var missing = await http.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/" + NewBucketName()));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Empty(await missing.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Another_account_neither_sees_nor_uses_the_bucket()
    {
        using var owner = server.Client();
        using var other = server.Client(accessKey: S3TestServer.OtherAccessKey);
        var bucket = NewBucketName();
        await owner.PutBucketAsync(new PutBucketRequest { BucketName = bucket });

        var taken = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => other.PutBucketAsync(new PutBucketRequest { BucketName = bucket }));
        Assert.Equal("BucketAlreadyExists", taken.ErrorCode);
        var denied = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => other.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "x" }));
        Assert.Equal("AccessDenied", denied.ErrorCode);
        Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
        var theirs = await other.ListBucketsAsync(new ListBucketsRequest());
        Assert.DoesNotContain(theirs.Buckets ?? [], b => b.BucketName == bucket);
    }

    [Fact]
    public async Task Invalid_bucket_name_and_foreign_region_are_refused()
    {
        using var s3 = server.Client();
        var invalid = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.PutBucketAsync(new PutBucketRequest { BucketName = "Not_Valid" }));
        Assert.Equal("InvalidBucketName", invalid.ErrorCode);

        // The caller signed for us-east-1; asking for another region is what S3 refuses on a regional endpoint.
        var foreign = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.PutBucketAsync(new PutBucketRequest
        {
            BucketName = NewBucketName(),
            PutBucketConfiguration = new PutBucketConfiguration { LocationConstraint = new BucketLocationConstraint("eu-west-1") },
        }));
        Assert.Equal("IllegalLocationConstraintException", foreign.ErrorCode);
    }

    [Fact]
    public async Task Versioning_and_acl_answer_the_defaults()
    {
        using var s3 = server.Client();
        var bucket = NewBucketName();
        await s3.PutBucketAsync(new PutBucketRequest { BucketName = bucket });

        var versioning = await s3.GetBucketVersioningAsync(new GetBucketVersioningRequest { BucketName = bucket });
        Assert.NotEqual(VersionStatus.Enabled, versioning.VersioningConfig?.Status);

        var acl = await s3.GetBucketAclAsync(new GetBucketAclRequest { BucketName = bucket });
        var grant = Assert.Single(acl.Grants);
        Assert.Equal(S3Permission.FULL_CONTROL, grant.Permission);
        Assert.Equal(S3TestServer.AccountId, grant.Grantee.CanonicalUser);
    }

    internal static string NewBucketName() => "b" + Guid.NewGuid().ToString("N");
}

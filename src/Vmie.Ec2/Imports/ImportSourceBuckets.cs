using Vmie.Ec2.Errors;
using Vmie.Ec2.Requests;
using Vmie.Storage.Objects;

namespace Vmie.Ec2.Imports;

/// <summary>The bucket an import reads from must exist, be the caller's and be in the request's region (N7/N8 of the error catalogue).</summary>
public static class ImportSourceBuckets
{
    public static async Task RequireUsableAsync(IObjectStore objects, string bucketName, Ec2RequestContext context, CancellationToken cancellationToken)
    {
        BucketInfo? bucket;
        try
        {
            bucket = await objects.GetBucketAsync(bucketName, cancellationToken);
        }
        catch (ObjectStoreException e)
        {
            throw Ec2Errors.InvalidParameter($"Invalid S3 source location: the bucket '{bucketName}' cannot be used ({e.Message}).");
        }

        if (bucket is null || bucket.OwnerAccountId != context.AccountId)
        {
            throw Ec2Errors.InvalidParameter($"Invalid S3 source location: the bucket '{bucketName}' does not exist or is not owned by your account.");
        }

        if (!string.Equals(bucket.Region, context.Region, StringComparison.OrdinalIgnoreCase))
        {
            throw Ec2Errors.InvalidParameter(
                $"The given S3 bucket is not local to the region: the bucket '{bucketName}' is in {bucket.Region}, the request is for {context.Region}. Use a bucket in {context.Region}.");
        }
    }
}

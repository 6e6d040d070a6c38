namespace Vmie.Storage.Objects;

/// <summary>
/// A failure of the object store, carrying the S3 error code that the S3 API answers with
/// (NoSuchBucket, NoSuchKey, BucketAlreadyOwnedByYou, BucketNotEmpty, NoSuchUpload, InvalidPart,
/// InvalidPartOrder, EntityTooSmall, BadDigest, InvalidBucketName, KeyTooLongError, InvalidArgument,
/// IncompleteBody, InvalidRange...).
/// </summary>
public sealed class ObjectStoreException : Exception
{
    public ObjectStoreException(string code, string message, string? resource = null)
        : base(message)
    {
        Code = code;
        Resource = resource;
    }

    public string Code { get; }

    /// <summary>The bucket or bucket/key concerned, for the error's Resource element.</summary>
    public string? Resource { get; }
}

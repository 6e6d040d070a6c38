namespace Vmie.Storage.Objects;

/// <summary>The store's failures with S3's codes and messages, so every code path words them alike.</summary>
internal static class ObjectStoreErrors
{
    public static ObjectStoreException NoSuchBucket(string bucket) =>
        new("NoSuchBucket", "The specified bucket does not exist", bucket);

    public static ObjectStoreException NoSuchKey(string bucket, string key) =>
        new("NoSuchKey", "The specified key does not exist.", $"{bucket}/{key}");

    public static ObjectStoreException NoSuchUpload(string bucket, string key) =>
        new("NoSuchUpload", "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.", $"{bucket}/{key}");

    public static ObjectStoreException InvalidArgument(string message, string? resource = null) =>
        new("InvalidArgument", message, resource);

    public static ObjectStoreException BadDigest(string message, string? resource) =>
        new("BadDigest", message, resource);
}

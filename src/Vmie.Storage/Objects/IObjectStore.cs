using Vmie.Disks.Abstractions;

namespace Vmie.Storage.Objects;

/// <summary>
/// Buckets and objects as S3 models them. The embedded implementation keeps object bodies in
/// files under the data directory and their metadata in SQLite; an S3-compatible backend can
/// stand in for it. Every failure is an <see cref="ObjectStoreException"/> with an S3 error code.
/// </summary>
public interface IObjectStore
{
    Task<BucketInfo> CreateBucketAsync(string bucket, string ownerAccountId, string region, CancellationToken cancellationToken = default);

    /// <returns>null when the bucket does not exist.</returns>
    Task<BucketInfo?> GetBucketAsync(string bucket, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<BucketInfo>> ListBucketsAsync(CancellationToken cancellationToken = default);

    /// <summary>Deletes an empty bucket (BucketNotEmpty otherwise, also while uploads are in progress).</summary>
    Task DeleteBucketAsync(string bucket, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores <paramref name="content"/> under <paramref name="key"/>. The body is written to a temporary
    /// file, verified against <see cref="ObjectWriteOptions"/> digests, flushed and only then made visible;
    /// on any failure nothing is visible and the previous object, if any, stays intact.
    /// </summary>
    Task<ObjectInfo> PutObjectAsync(string bucket, string key, Stream content, ObjectWriteOptions options, CancellationToken cancellationToken = default);

    /// <returns>null when the object does not exist (NoSuchBucket is still thrown for a missing bucket).</returns>
    Task<ObjectInfo?> HeadObjectAsync(string bucket, string key, CancellationToken cancellationToken = default);

    /// <summary>
    /// Opens the current version of an object for random reads. The handle keeps reading the version it
    /// opened even if the key is overwritten or deleted meanwhile.
    /// </summary>
    Task<ObjectReadHandle> OpenReadAsync(string bucket, string key, CancellationToken cancellationToken = default);

    /// <summary>Deletes an object; deleting a missing key succeeds, as in S3.</summary>
    Task DeleteObjectAsync(string bucket, string key, CancellationToken cancellationToken = default);

    Task<ObjectListing> ListObjectsAsync(string bucket, ObjectListingRequest request, CancellationToken cancellationToken = default);

    Task<ObjectInfo> CopyObjectAsync(string sourceBucket, string sourceKey, string bucket, string key, ObjectWriteOptions? replaceMetadata, CancellationToken cancellationToken = default);

    Task<MultipartUploadInfo> CreateMultipartUploadAsync(string bucket, string key, ObjectWriteOptions options, CancellationToken cancellationToken = default);

    Task<PartInfo> UploadPartAsync(string bucket, string key, string uploadId, int partNumber, Stream content, ObjectWriteOptions options, CancellationToken cancellationToken = default);

    /// <summary>
    /// Assembles the listed parts (ascending part numbers, ETags matching) into the object. Every part
    /// but the last must be at least 5 MiB. The ETag is md5-of-md5s with the part count suffix.
    /// </summary>
    /// <param name="expectedChecksums">Full-object checksums the client sent with the request (base64 by algorithm), verified before the object becomes visible.</param>
    Task<ObjectInfo> CompleteMultipartUploadAsync(string bucket, string key, string uploadId, IReadOnlyList<CompletedPart> parts, IReadOnlyDictionary<string, string>? expectedChecksums = null, CancellationToken cancellationToken = default);

    Task AbortMultipartUploadAsync(string bucket, string key, string uploadId, CancellationToken cancellationToken = default);

    Task<PartListing> ListPartsAsync(string bucket, string key, string uploadId, int partNumberMarker, int maxParts, CancellationToken cancellationToken = default);

    Task<MultipartUploadListing> ListMultipartUploadsAsync(string bucket, string? prefix, string? keyMarker, string? uploadIdMarker, int maxUploads, CancellationToken cancellationToken = default);
}

/// <summary>An open, immutable version of an object: random reads for disk readers, or a stream.</summary>
public abstract class ObjectReadHandle : ISparseBlockSource
{
    public abstract ObjectInfo Info { get; }

    public long Length => Info.Size;

    /// <summary>
    /// Lengths of the parts the object was assembled from, in order (one entry for an object written in one
    /// piece); GetObject?partNumber=N serves part N's byte range.
    /// </summary>
    public abstract IReadOnlyList<long> PartLengths { get; }

    public abstract ValueTask<int> ReadAtAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken = default);

    /// <summary>The ranges of the object that hold data; the rest reads as zeros (bodies are stored sparse).</summary>
    public abstract IEnumerable<DiskExtent> GetDataExtents();

    /// <summary>A forward-only stream over [offset, offset+length).</summary>
    public abstract Stream OpenStream(long offset, long length);

    public abstract ValueTask DisposeAsync();
}

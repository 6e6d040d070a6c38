using System.Collections.Concurrent;
using Vmie.Storage.Objects;

namespace Vmie.Ec2.Tests.TestDoubles;

/// <summary>Buckets and objects in memory: only what the EC2 domain uses (buckets, head, random reads).</summary>
internal sealed class InMemoryObjectStore : IObjectStore
{
    private readonly ConcurrentDictionary<string, BucketInfo> _buckets = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Bucket, string Key), ObjectContent> _objects = new();

    public void AddBucket(string bucket, string ownerAccountId, string region) =>
        _buckets[bucket] = new BucketInfo(bucket, ownerAccountId, region, DateTimeOffset.UtcNow);

    public void RemoveBucket(string bucket) => _buckets.TryRemove(bucket, out _);

    public void Put(string bucket, string key, ObjectContent content)
    {
        if (!_buckets.ContainsKey(bucket))
        {
            throw new InvalidOperationException($"Test setup: bucket {bucket} does not exist.");
        }

        _objects[(bucket, key)] = content;
    }

    public void Put(string bucket, string key, byte[] bytes) => Put(bucket, key, ObjectContent.FromBytes(bytes));

    public Task<BucketInfo> CreateBucketAsync(string bucket, string ownerAccountId, string region, CancellationToken cancellationToken = default)
    {
        AddBucket(bucket, ownerAccountId, region);
        return Task.FromResult(_buckets[bucket]);
    }

    public Task<BucketInfo?> GetBucketAsync(string bucket, CancellationToken cancellationToken = default) =>
        Task.FromResult(_buckets.GetValueOrDefault(bucket));

    public Task<IReadOnlyList<BucketInfo>> ListBucketsAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<BucketInfo>>(_buckets.Values.ToList());

    public Task<ObjectInfo?> HeadObjectAsync(string bucket, string key, CancellationToken cancellationToken = default)
    {
        RequireBucket(bucket);
        return Task.FromResult(_objects.TryGetValue((bucket, key), out var content) ? Info(bucket, key, content) : null);
    }

    public Task<ObjectReadHandle> OpenReadAsync(string bucket, string key, CancellationToken cancellationToken = default)
    {
        RequireBucket(bucket);
        if (!_objects.TryGetValue((bucket, key), out var content))
        {
            throw new ObjectStoreException("NoSuchKey", "The specified key does not exist.", $"{bucket}/{key}");
        }

        return Task.FromResult<ObjectReadHandle>(new Handle(Info(bucket, key, content), content));
    }

    public Task DeleteBucketAsync(string bucket, CancellationToken cancellationToken = default) => throw Unused();

    public Task<ObjectInfo> PutObjectAsync(string bucket, string key, Stream content, ObjectWriteOptions options, CancellationToken cancellationToken = default) => throw Unused();

    public Task DeleteObjectAsync(string bucket, string key, CancellationToken cancellationToken = default)
    {
        _objects.TryRemove((bucket, key), out _);
        return Task.CompletedTask;
    }

    public Task<ObjectListing> ListObjectsAsync(string bucket, ObjectListingRequest request, CancellationToken cancellationToken = default) => throw Unused();

    public Task<ObjectInfo> CopyObjectAsync(string sourceBucket, string sourceKey, string bucket, string key, ObjectWriteOptions? replaceMetadata, CancellationToken cancellationToken = default) => throw Unused();

    public Task<MultipartUploadInfo> CreateMultipartUploadAsync(string bucket, string key, ObjectWriteOptions options, CancellationToken cancellationToken = default) => throw Unused();

    public Task<PartInfo> UploadPartAsync(string bucket, string key, string uploadId, int partNumber, Stream content, ObjectWriteOptions options, CancellationToken cancellationToken = default) => throw Unused();

    public Task<ObjectInfo> CompleteMultipartUploadAsync(string bucket, string key, string uploadId, IReadOnlyList<CompletedPart> parts, IReadOnlyDictionary<string, string>? expectedChecksums = null, CancellationToken cancellationToken = default) => throw Unused();

    public Task AbortMultipartUploadAsync(string bucket, string key, string uploadId, CancellationToken cancellationToken = default) => throw Unused();

    public Task<PartListing> ListPartsAsync(string bucket, string key, string uploadId, int partNumberMarker, int maxParts, CancellationToken cancellationToken = default) => throw Unused();

    public Task<MultipartUploadListing> ListMultipartUploadsAsync(string bucket, string? prefix, string? keyMarker, string? uploadIdMarker, int maxUploads, CancellationToken cancellationToken = default) => throw Unused();

    private void RequireBucket(string bucket)
    {
        if (!_buckets.ContainsKey(bucket))
        {
            throw new ObjectStoreException("NoSuchBucket", "The specified bucket does not exist.", bucket);
        }
    }

    private static ObjectInfo Info(string bucket, string key, ObjectContent content) =>
        new(bucket, key, content.Length, "\"0\"", DateTimeOffset.UtcNow, null, new Dictionary<string, string>(), new Dictionary<string, string>());

    private static NotSupportedException Unused() => new("The EC2 domain tests do not use this object store operation.");

    private sealed class Handle(ObjectInfo info, ObjectContent content) : ObjectReadHandle
    {
        public override ObjectInfo Info => info;

        public override IReadOnlyList<long> PartLengths => [content.Length];

        public override ValueTask<int> ReadAtAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var count = (int)Math.Clamp(content.Length - offset, 0, buffer.Length);
            content.Read(offset, buffer.Span[..count]);
            return ValueTask.FromResult(count);
        }

        public override Stream OpenStream(long offset, long length) => throw Unused();

        public override IEnumerable<Vmie.Disks.Abstractions.DiskExtent> GetDataExtents() => [new(0, Length)];

        public override ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}

namespace Vmie.Storage.Objects;

public sealed record BucketInfo(string Name, string OwnerAccountId, string Region, DateTimeOffset CreatedAt);

/// <param name="ETag">Quoted as S3 sends it: "\"md5hex\"" or "\"md5hex-N\"".</param>
/// <param name="Checksums">Checksums stored with the object, by algorithm name (CRC32, CRC32C, SHA1, SHA256), base64.</param>
public sealed record ObjectInfo(
    string Bucket,
    string Key,
    long Size,
    string ETag,
    DateTimeOffset LastModified,
    string? ContentType,
    IReadOnlyDictionary<string, string> UserMetadata,
    IReadOnlyDictionary<string, string> Checksums,
    int? PartCount = null)
{
    /// <summary>Content-Encoding, Content-Disposition, Cache-Control, Content-Language and Expires as written.</summary>
    public ObjectContentHeaders ContentHeaders { get; init; } = ObjectContentHeaders.None;
}

/// <summary>
/// The standard HTTP headers S3 keeps with an object besides Content-Type, returned verbatim on
/// GetObject/HeadObject. Values are stored as the writer sent them (Expires need not be a valid date, as in S3).
/// </summary>
public sealed record ObjectContentHeaders
{
    public static readonly ObjectContentHeaders None = new();

    /// <summary>Without the aws-chunked token, which describes the upload's framing, not the object.</summary>
    public string? ContentEncoding { get; init; }

    public string? ContentDisposition { get; init; }

    public string? CacheControl { get; init; }

    public string? ContentLanguage { get; init; }

    public string? Expires { get; init; }
}

/// <summary>What a writer asks the store to record and to verify.</summary>
public sealed record ObjectWriteOptions
{
    public static readonly ObjectWriteOptions Default = new();

    public string? ContentType { get; init; }

    /// <summary>The other standard headers to store with the object.</summary>
    public ObjectContentHeaders ContentHeaders { get; init; } = ObjectContentHeaders.None;

    /// <summary>x-amz-meta-* values, keys lower-cased without the prefix.</summary>
    public IReadOnlyDictionary<string, string> UserMetadata { get; init; } = new Dictionary<string, string>();

    /// <summary>Content-MD5 the client sent (raw 16 bytes); a mismatch fails with BadDigest.</summary>
    public byte[]? ExpectedMd5 { get; init; }

    /// <summary>Expected checksums by algorithm (CRC32, CRC32C, SHA1, SHA256), base64; a mismatch fails with BadDigest.</summary>
    public IReadOnlyDictionary<string, string> ExpectedChecksums { get; init; } = new Dictionary<string, string>();

    /// <summary>Algorithm the client asked to be computed and stored (x-amz-checksum-algorithm / x-amz-sdk-checksum-algorithm).</summary>
    public string? ChecksumAlgorithm { get; init; }

    /// <summary>
    /// For CreateMultipartUpload: COMPOSITE (checksum of the part checksums, "-N" suffix) or FULL_OBJECT
    /// (CRCs only, combined across parts). null picks S3's default for the algorithm.
    /// </summary>
    public string? ChecksumType { get; init; }

    /// <summary>Exact body length when known (Content-Length / x-amz-decoded-content-length); a short body fails with IncompleteBody.</summary>
    public long? ExpectedLength { get; init; }
}

public sealed record ObjectListingRequest
{
    public string? Prefix { get; init; }
    public string? Delimiter { get; init; }
    /// <summary>Exclusive lower bound on keys (StartAfter, or the decoded continuation token).</summary>
    public string? StartAfter { get; init; }
    public int MaxKeys { get; init; } = 1000;
}

/// <param name="NextStartAfter">Set when truncated: the last key or common prefix returned.</param>
public sealed record ObjectListing(
    IReadOnlyList<ObjectInfo> Objects,
    IReadOnlyList<string> CommonPrefixes,
    bool IsTruncated,
    string? NextStartAfter);

public sealed record MultipartUploadInfo(string Bucket, string Key, string UploadId, DateTimeOffset Initiated);

public sealed record PartInfo(int PartNumber, long Size, string ETag, DateTimeOffset LastModified, IReadOnlyDictionary<string, string> Checksums);

/// <param name="Checksums">Part checksums the client listed (base64 by algorithm); each must match the stored part's.</param>
public sealed record CompletedPart(int PartNumber, string ETag, IReadOnlyDictionary<string, string>? Checksums = null);

public sealed record PartListing(IReadOnlyList<PartInfo> Parts, bool IsTruncated, int NextPartNumberMarker);

public sealed record MultipartUploadListing(IReadOnlyList<MultipartUploadInfo> Uploads, bool IsTruncated, string? NextKeyMarker, string? NextUploadIdMarker);

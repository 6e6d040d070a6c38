using Microsoft.AspNetCore.Http;
using Vmie.Storage.Checksums;
using Vmie.Storage.Objects;

namespace Vmie.Api.Protocols.S3Rest;

/// <summary>The headers that describe an object in GetObject/HeadObject/PutObject answers.</summary>
internal static class ObjectResponseHeaders
{
    public const string DefaultContentType = "binary/octet-stream";

    public static void WriteDescription(HttpResponse response, ObjectInfo info)
    {
        var headers = response.Headers;
        headers.ETag = info.ETag;
        headers.LastModified = S3Xml.HttpDate(info.LastModified);
        headers.AcceptRanges = "bytes";
        headers.ContentType = info.ContentType ?? DefaultContentType;
        var stored = info.ContentHeaders;
        SetIfPresent(headers, "Content-Encoding", stored.ContentEncoding);
        SetIfPresent(headers, "Content-Disposition", stored.ContentDisposition);
        SetIfPresent(headers, "Content-Language", stored.ContentLanguage);
        WriteCaching(response, info);
        foreach (var (name, value) in info.UserMetadata)
        {
            headers[ObjectWriteHeaders.MetadataPrefix + name] = value;
        }
    }

    /// <summary>Cache-Control and Expires, which a 304 Not Modified answer carries too.</summary>
    public static void WriteCaching(HttpResponse response, ObjectInfo info)
    {
        SetIfPresent(response.Headers, "Cache-Control", info.ContentHeaders.CacheControl);
        SetIfPresent(response.Headers, "Expires", info.ContentHeaders.Expires);
    }

    /// <summary>x-amz-checksum-* (and x-amz-checksum-type) for the stored checksums.</summary>
    public static void WriteChecksums(HttpResponse response, IReadOnlyDictionary<string, string> checksums)
    {
        foreach (var (algorithm, value) in checksums)
        {
            response.Headers[ChecksumAlgorithm.Parse(algorithm).HeaderName] = value;
            response.Headers["x-amz-checksum-type"] = ChecksumType(value);
        }
    }

    private static void SetIfPresent(IHeaderDictionary headers, string name, string? value)
    {
        if (value is not null)
        {
            headers[name] = value;
        }
    }

    /// <summary>Composite (multipart) checksums carry a "-N" part count suffix.</summary>
    public static string ChecksumType(string value) => value.Contains('-', StringComparison.Ordinal) ? "COMPOSITE" : "FULL_OBJECT";
}

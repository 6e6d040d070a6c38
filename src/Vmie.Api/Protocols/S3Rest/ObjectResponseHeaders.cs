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
        foreach (var (name, value) in info.UserMetadata)
        {
            headers[ObjectWriteHeaders.MetadataPrefix + name] = value;
        }
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

    /// <summary>Composite (multipart) checksums carry a "-N" part count suffix.</summary>
    public static string ChecksumType(string value) => value.Contains('-', StringComparison.Ordinal) ? "COMPOSITE" : "FULL_OBJECT";
}

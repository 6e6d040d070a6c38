using System.Globalization;
using Microsoft.AspNetCore.Http;
using Vmie.Storage.Checksums;
using Vmie.Storage.Objects;

namespace Vmie.Api.Protocols.S3Rest;

/// <summary>
/// Turns a write request's headers (Content-Type, the other standard headers S3 stores, x-amz-meta-*,
/// Content-MD5, x-amz-checksum-*...) into <see cref="ObjectWriteOptions"/>, and refuses the headers that ask
/// for features vmie does not have.
/// </summary>
internal static class ObjectWriteHeaders
{
    public const string MetadataPrefix = "x-amz-meta-";

    private const string AwsChunked = "aws-chunked";

    /// <summary>Storage classes S3 knows; only STANDARD is what vmie actually provides.</summary>
    private static readonly string[] KnownStorageClasses =
    [
        "STANDARD", "REDUCED_REDUNDANCY", "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING", "GLACIER",
        "DEEP_ARCHIVE", "OUTPOSTS", "GLACIER_IR", "SNOW", "EXPRESS_ONEZONE", "FSX_OPENZFS",
    ];

    /// <param name="withBody">false for requests without an object body (CreateMultipartUpload, CopyObject).</param>
    public static ObjectWriteOptions Read(HttpRequest request, bool withBody)
    {
        var options = new ObjectWriteOptions
        {
            ContentType = string.IsNullOrEmpty(request.ContentType) ? null : request.ContentType,
            ContentHeaders = ContentHeaders(request.Headers),
            UserMetadata = UserMetadata(request.Headers),
            ChecksumAlgorithm = RequestedChecksumAlgorithm(request.Headers),
            ChecksumType = NullIfEmpty(request.Headers["x-amz-checksum-type"]),
        };
        if (!withBody)
        {
            return options;
        }

        return options with
        {
            ExpectedMd5 = ContentMd5(request.Headers),
            ExpectedChecksums = ExpectedChecksums(request.Headers),
            ExpectedLength = DeclaredLength(request),
        };
    }

    public static ObjectContentHeaders ContentHeaders(IHeaderDictionary headers) => new()
    {
        ContentEncoding = StoredContentEncoding(headers.ContentEncoding.ToString()),
        ContentDisposition = NullIfEmpty(headers.ContentDisposition),
        CacheControl = NullIfEmpty(headers.CacheControl),
        ContentLanguage = NullIfEmpty(headers.ContentLanguage),
        Expires = NullIfEmpty(headers.Expires),
    };

    /// <summary>
    /// Content-Encoding without the aws-chunked token: that one only says how this request's body is framed
    /// (the gateway decodes it), so S3 does not keep it. "aws-chunked,gzip" stores "gzip"; "aws-chunked" nothing.
    /// </summary>
    public static string? StoredContentEncoding(string? header)
    {
        if (string.IsNullOrWhiteSpace(header))
        {
            return null;
        }

        var codings = header.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Where(coding => !coding.Equals(AwsChunked, StringComparison.OrdinalIgnoreCase))
            .ToList();
        return codings.Count == 0 ? null : string.Join(',', codings);
    }

    /// <summary>
    /// Refuses, with 501 NotImplemented naming the header, what an object write can ask for that vmie does not
    /// do: storing it silently without would let the client believe it has tags, another storage class,
    /// encryption at rest (bodies are plain files), a website redirect or an object lock.
    /// </summary>
    public static void RejectUnsupported(IHeaderDictionary headers)
    {
        if (headers.ContainsKey("If-None-Match") || headers.ContainsKey("If-Match"))
        {
            throw S3ErrorException.NotImplemented("conditional writes (If-Match / If-None-Match on PUT)");
        }

        foreach (var (name, values) in headers)
        {
            var refused = name.ToLowerInvariant() switch
            {
                "x-amz-tagging" => "object tags (x-amz-tagging)",
                "x-amz-website-redirect-location" => "website redirects (x-amz-website-redirect-location)",
                "x-amz-server-side-encryption" => $"server-side encryption (x-amz-server-side-encryption: {values}); vmie does not encrypt data at rest",
                var lower when lower.StartsWith("x-amz-server-side-encryption-", StringComparison.Ordinal)
                    || lower.StartsWith("x-amz-copy-source-server-side-encryption-", StringComparison.Ordinal) => $"server-side encryption ({lower})",
                var lower when lower.StartsWith("x-amz-object-lock-", StringComparison.Ordinal) => $"object locks ({lower})",
                // Objects are private to their owner; only the canned ACLs that mean exactly that are accepted.
                "x-amz-acl" when values.ToString() is not ("private" or "bucket-owner-full-control" or "bucket-owner-read") =>
                    $"the canned ACL '{values}' (x-amz-acl); vmie objects are private to their owner",
                var lower when lower.StartsWith("x-amz-grant-", StringComparison.Ordinal) => $"access grants ({lower}); vmie objects are private to their owner",
                _ => null,
            };
            if (refused is not null)
            {
                throw S3ErrorException.NotImplemented(refused);
            }
        }

        if (NullIfEmpty(headers["x-amz-storage-class"]) is { } storageClass && storageClass != "STANDARD")
        {
            throw KnownStorageClasses.Contains(storageClass, StringComparer.Ordinal)
                ? S3ErrorException.NotImplemented($"the {storageClass} storage class (x-amz-storage-class); vmie stores every object as STANDARD")
                : new S3ErrorException("InvalidStorageClass", "The storage class you specified is not valid");
        }
    }

    public static Dictionary<string, string> UserMetadata(IHeaderDictionary headers)
    {
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, values) in headers)
        {
            if (name.StartsWith(MetadataPrefix, StringComparison.OrdinalIgnoreCase) && name.Length > MetadataPrefix.Length)
            {
                metadata[name[MetadataPrefix.Length..].ToLowerInvariant()] = values.ToString();
            }
        }

        return metadata;
    }

    /// <summary>Content-MD5 as raw bytes; InvalidDigest when it is not base64 of 16 bytes.</summary>
    public static byte[]? ContentMd5(IHeaderDictionary headers)
    {
        var value = NullIfEmpty(headers.ContentMD5);
        if (value is null)
        {
            return null;
        }

        var bytes = new byte[16];
        if (!Convert.TryFromBase64String(value.Trim(), bytes, out var written) || written != 16)
        {
            throw new S3ErrorException("InvalidDigest", "The Content-MD5 you specified was invalid.");
        }

        return bytes;
    }

    /// <summary>x-amz-checksum-&lt;algorithm&gt; headers sent up front (trailing ones are checked by the body decoder).</summary>
    public static Dictionary<string, string> ExpectedChecksums(IHeaderDictionary headers)
    {
        var checksums = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var algorithm in ChecksumAlgorithm.All)
        {
            var header = algorithm.HeaderName;
            var value = NullIfEmpty(headers[header]);
            if (value is null)
            {
                continue;
            }

            var raw = new byte[64];
            if (!Convert.TryFromBase64String(value.Trim(), raw, out var written) || written != algorithm.DigestLength)
            {
                throw S3ErrorException.InvalidRequest($"Value for {header} header is invalid.");
            }

            checksums[algorithm.Name] = value.Trim();
        }

        return checksums;
    }

    /// <summary>
    /// The algorithm to compute and store: x-amz-sdk-checksum-algorithm, x-amz-checksum-algorithm, or the
    /// checksum named in x-amz-trailer (its value arrives after the body and the decoder verifies it).
    /// </summary>
    public static string? RequestedChecksumAlgorithm(IHeaderDictionary headers)
    {
        foreach (var header in new[] { "x-amz-sdk-checksum-algorithm", "x-amz-checksum-algorithm" })
        {
            var value = NullIfEmpty(headers[header]);
            if (value is not null)
            {
                return ChecksumAlgorithm.FromName(value)?.Name ?? throw S3ErrorException.InvalidRequest($"Value for {header} header is invalid.");
            }
        }

        var trailer = NullIfEmpty(headers["x-amz-trailer"]);
        if (trailer is not null)
        {
            foreach (var name in trailer.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                if (name.StartsWith("x-amz-checksum-", StringComparison.OrdinalIgnoreCase))
                {
                    return ChecksumAlgorithm.FromName(name["x-amz-checksum-".Length..])?.Name ?? throw S3ErrorException.InvalidRequest("Value for x-amz-trailer header is invalid.");
                }
            }
        }

        return null;
    }

    /// <summary>The decoded body length: x-amz-decoded-content-length for aws-chunked bodies, else Content-Length.</summary>
    public static long? DeclaredLength(HttpRequest request)
    {
        var decoded = NullIfEmpty(request.Headers["x-amz-decoded-content-length"]);
        if (decoded is not null)
        {
            return long.TryParse(decoded, NumberStyles.None, CultureInfo.InvariantCulture, out var length)
                ? length
                : throw S3ErrorException.InvalidArgument("x-amz-decoded-content-length must be a non-negative integer.");
        }

        var encoding = request.Headers.ContentEncoding.ToString();
        if (encoding.Contains("aws-chunked", StringComparison.OrdinalIgnoreCase))
        {
            // Content-Length counts the chunk framing, not the object.
            return null;
        }

        return request.ContentLength;
    }

    public static string? NullIfEmpty(Microsoft.Extensions.Primitives.StringValues value) =>
        value.Count == 0 || string.IsNullOrEmpty(value.ToString()) ? null : value.ToString();
}

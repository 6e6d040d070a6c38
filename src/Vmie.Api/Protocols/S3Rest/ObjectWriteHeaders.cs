using System.Globalization;
using Microsoft.AspNetCore.Http;
using Vmie.Storage.Checksums;
using Vmie.Storage.Objects;

namespace Vmie.Api.Protocols.S3Rest;

/// <summary>Turns a write request's headers (Content-Type, x-amz-meta-*, Content-MD5, x-amz-checksum-*...) into <see cref="ObjectWriteOptions"/>.</summary>
internal static class ObjectWriteHeaders
{
    public const string MetadataPrefix = "x-amz-meta-";

    /// <param name="withBody">false for requests without an object body (CreateMultipartUpload, CopyObject).</param>
    public static ObjectWriteOptions Read(HttpRequest request, bool withBody)
    {
        var options = new ObjectWriteOptions
        {
            ContentType = string.IsNullOrEmpty(request.ContentType) ? null : request.ContentType,
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

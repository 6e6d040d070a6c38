using System.Globalization;
using Microsoft.AspNetCore.Http;
using Vmie.Storage.Objects;

namespace Vmie.Api.Protocols.S3Rest;

public sealed partial class S3RestEndpoint
{
    private const int CopyBufferSize = 1024 * 1024;

    /// <summary>GetObject's and HeadObject's query parameters that override response headers.</summary>
    private static readonly (string Query, string Header)[] ResponseOverrides =
    [
        ("response-content-type", "Content-Type"),
        ("response-content-language", "Content-Language"),
        ("response-expires", "Expires"),
        ("response-cache-control", "Cache-Control"),
        ("response-content-disposition", "Content-Disposition"),
        ("response-content-encoding", "Content-Encoding"),
    ];

    private async Task PutObjectAsync(S3Call call)
    {
        await RequireOwnedBucketAsync(call, call.Bucket);
        ObjectWriteHeaders.RejectUnsupported(call.Request.Headers);
        var options = ObjectWriteHeaders.Read(call.Request, withBody: true);
        var info = await _store.PutObjectAsync(call.Bucket, call.Key, call.Request.Body, options, call.Aborted);

        call.Response.StatusCode = 200;
        call.Response.Headers.ETag = info.ETag;
        ObjectResponseHeaders.WriteChecksums(call.Response, info.Checksums);
        call.Response.ContentLength = 0;
    }

    private async Task GetObjectAsync(S3Call call, bool withBody)
    {
        await RequireOwnedBucketAsync(call, call.Bucket);
        RejectVersionId(call.Request);
        var partNumber = ParsePartNumber(call.Request);

        await using var handle = await _store.OpenReadAsync(call.Bucket, call.Key, call.Aborted);
        var info = handle.Info;
        switch (ObjectPreconditions.Evaluate(call.Request.Headers, info))
        {
            case ObjectPreconditions.Outcome.PreconditionFailed:
                throw PreconditionFailed();
            case ObjectPreconditions.Outcome.NotModified:
                call.Response.StatusCode = 304;
                call.Response.Headers.ETag = info.ETag;
                call.Response.Headers.LastModified = S3Xml.HttpDate(info.LastModified);
                ObjectResponseHeaders.WriteCaching(call.Response, info);
                return;
        }

        ByteRange? range;
        if (partNumber is { } part)
        {
            if (!string.IsNullOrEmpty(call.Request.Headers.Range))
            {
                throw S3ErrorException.InvalidRequest("Cannot specify both Range header and partNumber query parameter");
            }

            range = PartRange(handle, info, part);
        }
        else
        {
            range = ByteRange.Resolve(call.Request.Headers.Range, info.Size);
        }

        var response = call.Response;
        ObjectResponseHeaders.WriteDescription(response, info);
        foreach (var (query, header) in ResponseOverrides)
        {
            if (ObjectWriteHeaders.NullIfEmpty(call.Request.Query[query]) is { } value)
            {
                response.Headers[header] = value;
            }
        }

        if (partNumber is not null && info.PartCount is { } partCount)
        {
            response.Headers["x-amz-mp-parts-count"] = partCount.ToString(CultureInfo.InvariantCulture);
        }

        // Stored checksums describe the whole object, so only whole-object answers carry them.
        var wholeObject = range is null || range.Value.Length == info.Size;
        if (wholeObject && string.Equals(call.Request.Headers["x-amz-checksum-mode"], "ENABLED", StringComparison.OrdinalIgnoreCase))
        {
            ObjectResponseHeaders.WriteChecksums(response, info.Checksums);
        }

        var (start, length) = range is { } r ? (r.Start, r.Length) : (0L, info.Size);
        if (range is { } partial)
        {
            response.StatusCode = 206;
            response.Headers.ContentRange = partial.ContentRange(info.Size);
        }
        else
        {
            response.StatusCode = 200;
        }

        response.ContentLength = length;
        if (withBody && length > 0)
        {
            await using var body = handle.OpenStream(start, length);
            await body.CopyToAsync(response.Body, CopyBufferSize, call.Aborted);
        }
    }

    private async Task DeleteObjectAsync(S3Call call)
    {
        await RequireOwnedBucketAsync(call, call.Bucket);
        RejectVersionId(call.Request);
        await _store.DeleteObjectAsync(call.Bucket, call.Key, call.Aborted);
        call.Response.StatusCode = 204;
    }

    private async Task CopyObjectAsync(S3Call call)
    {
        var (sourceBucket, sourceKey) = ParseCopySource(call.Request);
        await RequireOwnedBucketAsync(call, call.Bucket);
        await RequireOwnedBucketAsync(call, sourceBucket);
        ObjectWriteHeaders.RejectUnsupported(call.Request.Headers);

        var directive = ObjectWriteHeaders.NullIfEmpty(call.Request.Headers["x-amz-metadata-directive"])?.ToUpperInvariant() ?? "COPY";
        if (directive is not ("COPY" or "REPLACE"))
        {
            throw S3ErrorException.InvalidArgument("Unknown metadata directive.");
        }

        var source = await _store.HeadObjectAsync(sourceBucket, sourceKey, call.Aborted)
            ?? throw new ObjectStoreException("NoSuchKey", "The specified key does not exist.", $"{sourceBucket}/{sourceKey}");
        CheckCopySourcePreconditions(call.Request, source);

        if (directive == "COPY" && sourceBucket == call.Bucket && sourceKey == call.Key)
        {
            throw S3ErrorException.InvalidRequest("This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.");
        }

        var replacement = directive == "REPLACE" ? ObjectWriteHeaders.Read(call.Request, withBody: false) : null;
        var copy = await _store.CopyObjectAsync(sourceBucket, sourceKey, call.Bucket, call.Key, replacement, call.Aborted);

        await S3Xml.WriteAsync(call.Response, 200, "CopyObjectResult", writer =>
        {
            writer.WriteElementString("LastModified", S3Xml.Timestamp(copy.LastModified));
            writer.WriteElementString("ETag", copy.ETag);
            WriteChecksumElements(writer, copy.Checksums);
        });
    }

    /// <summary>x-amz-copy-source: "bucket/key" or "/bucket/key", URL-encoded, with an optional ?versionId that is ignored.</summary>
    private static (string Bucket, string Key) ParseCopySource(HttpRequest request)
    {
        var raw = request.Headers["x-amz-copy-source"].ToString();
        var query = raw.IndexOf('?', StringComparison.Ordinal);
        if (query >= 0)
        {
            raw = raw[..query];
        }

        var decoded = Uri.UnescapeDataString(raw).TrimStart('/');
        var slash = decoded.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || slash == decoded.Length - 1)
        {
            throw S3ErrorException.InvalidArgument("Copy Source must mention the source bucket and key: sourcebucket/sourcekey");
        }

        if (decoded.StartsWith("arn:", StringComparison.Ordinal))
        {
            throw S3ErrorException.NotImplemented("access point copy sources");
        }

        return (decoded[..slash], decoded[(slash + 1)..]);
    }

    private static void CheckCopySourcePreconditions(HttpRequest request, ObjectInfo source)
    {
        // Every failed copy-source condition is a 412, including the "not modified" ones.
        if (ObjectPreconditions.Evaluate(request.Headers, source, "x-amz-copy-source-if-match", "x-amz-copy-source-if-none-match",
                "x-amz-copy-source-if-modified-since", "x-amz-copy-source-if-unmodified-since") != ObjectPreconditions.Outcome.Proceed)
        {
            throw PreconditionFailed();
        }
    }

    private static int? ParsePartNumber(HttpRequest request)
    {
        var text = ObjectWriteHeaders.NullIfEmpty(request.Query["partNumber"]);
        if (text is null)
        {
            return null;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number is >= 1 and <= 10000
            ? number
            : throw S3ErrorException.InvalidArgument("Part number must be an integer between 1 and 10000, inclusive");
    }

    /// <summary>The byte range of part <paramref name="partNumber"/>; null (the whole object) for part 1 of a single-part object.</summary>
    private static ByteRange? PartRange(ObjectReadHandle handle, ObjectInfo info, int partNumber)
    {
        if (info.PartCount is null)
        {
            return partNumber == 1 ? null : throw InvalidPartNumber();
        }

        var lengths = handle.PartLengths;
        if (partNumber > lengths.Count)
        {
            throw InvalidPartNumber();
        }

        var start = lengths.Take(partNumber - 1).Sum();
        return new ByteRange(start, lengths[partNumber - 1]);
    }

    private static S3ErrorException InvalidPartNumber() => new("InvalidPartNumber", "The requested partnumber is not satisfiable");

    private static S3ErrorException PreconditionFailed() => new("PreconditionFailed", "At least one of the pre-conditions you specified did not hold");

    private static void WriteChecksumElements(System.Xml.XmlWriter writer, IReadOnlyDictionary<string, string> checksums)
    {
        foreach (var (algorithm, value) in checksums)
        {
            writer.WriteElementString("Checksum" + algorithm, value);
        }

        if (checksums.Count > 0)
        {
            writer.WriteElementString("ChecksumType", ObjectResponseHeaders.ChecksumType(checksums.Values.First()));
        }
    }
}

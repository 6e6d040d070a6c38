using System.Globalization;
using Microsoft.AspNetCore.Http;
using Vmie.Storage.Checksums;
using Vmie.Storage.Objects;

namespace Vmie.Api.Protocols.S3Rest;

public sealed partial class S3RestEndpoint
{
    private async Task CreateMultipartUploadAsync(S3Call call)
    {
        await RequireOwnedBucketAsync(call, call.Bucket);
        ObjectWriteHeaders.RejectUnsupported(call.Request.Headers);
        var options = ObjectWriteHeaders.Read(call.Request, withBody: false);
        var upload = await _store.CreateMultipartUploadAsync(call.Bucket, call.Key, options, call.Aborted);
        if (options.ChecksumAlgorithm is { } algorithm)
        {
            call.Response.Headers["x-amz-checksum-algorithm"] = algorithm;
            call.Response.Headers["x-amz-checksum-type"] = options.ChecksumType?.ToUpperInvariant()
                ?? (algorithm == ChecksumAlgorithm.Crc64Nvme.Name ? "FULL_OBJECT" : "COMPOSITE");
        }

        await S3Xml.WriteAsync(call.Response, 200, "InitiateMultipartUploadResult", writer =>
        {
            writer.WriteElementString("Bucket", upload.Bucket);
            writer.WriteElementString("Key", upload.Key);
            writer.WriteElementString("UploadId", upload.UploadId);
        });
    }

    private async Task UploadPartAsync(S3Call call)
    {
        await RequireOwnedBucketAsync(call, call.Bucket);
        var partNumber = ParsePartNumber(call.Request) ?? throw S3ErrorException.InvalidArgument("Part number must be an integer between 1 and 10000, inclusive");
        var options = ObjectWriteHeaders.Read(call.Request, withBody: true);
        var part = await _store.UploadPartAsync(call.Bucket, call.Key, UploadId(call.Request), partNumber, call.Request.Body, options, call.Aborted);

        call.Response.StatusCode = 200;
        call.Response.Headers.ETag = part.ETag;
        foreach (var (algorithm, value) in part.Checksums)
        {
            call.Response.Headers[ChecksumAlgorithm.Parse(algorithm).HeaderName] = value;
        }

        call.Response.ContentLength = 0;
    }

    /// <summary>UploadPartCopy: the part's bytes are read from the source object (a range of it, or all of it).</summary>
    private async Task UploadPartCopyAsync(S3Call call)
    {
        var (sourceBucket, sourceKey) = ParseCopySource(call.Request);
        await RequireOwnedBucketAsync(call, call.Bucket);
        await RequireOwnedBucketAsync(call, sourceBucket);
        var partNumber = ParsePartNumber(call.Request) ?? throw S3ErrorException.InvalidArgument("Part number must be an integer between 1 and 10000, inclusive");

        await using var source = await _store.OpenReadAsync(sourceBucket, sourceKey, call.Aborted);
        CheckCopySourcePreconditions(call.Request, source.Info);
        var range = CopySourceRange(call.Request, source.Info.Size);
        await using var content = source.OpenStream(range.Start, range.Length);
        var part = await _store.UploadPartAsync(call.Bucket, call.Key, UploadId(call.Request), partNumber, content,
            new ObjectWriteOptions { ExpectedLength = range.Length }, call.Aborted);

        await S3Xml.WriteAsync(call.Response, 200, "CopyPartResult", writer =>
        {
            writer.WriteElementString("LastModified", S3Xml.Timestamp(part.LastModified));
            writer.WriteElementString("ETag", part.ETag);
        });
    }

    private async Task CompleteMultipartUploadAsync(S3Call call)
    {
        await RequireOwnedBucketAsync(call, call.Bucket);
        var document = S3Xml.Parse(await S3Xml.ReadBodyAsync(call.Request, _options.MaxXmlRequestBytes, call.Aborted));
        if (document is null || document.Name.LocalName != "CompleteMultipartUpload")
        {
            throw S3ErrorException.MalformedXml("the root element must be CompleteMultipartUpload");
        }

        var parts = new List<CompletedPart>();
        foreach (var element in S3Xml.Children(document, "Part"))
        {
            var numberText = S3Xml.ChildValue(element, "PartNumber");
            var etag = S3Xml.ChildValue(element, "ETag");
            if (!int.TryParse(numberText, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || etag is null)
            {
                throw S3ErrorException.MalformedXml("every Part needs a PartNumber and an ETag");
            }

            var checksums = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var algorithm in ChecksumAlgorithm.All)
            {
                if (S3Xml.ChildValue(element, "Checksum" + algorithm.Name) is { Length: > 0 } value)
                {
                    checksums[algorithm.Name] = value;
                }
            }

            parts.Add(new CompletedPart(number, etag, checksums));
        }

        var expected = ObjectWriteHeaders.ExpectedChecksums(call.Request.Headers);
        var info = await _store.CompleteMultipartUploadAsync(call.Bucket, call.Key, UploadId(call.Request), parts, expected, call.Aborted);

        var request = call.Request;
        await S3Xml.WriteAsync(call.Response, 200, "CompleteMultipartUploadResult", writer =>
        {
            writer.WriteElementString("Location", $"{request.Scheme}://{request.Host}/{Uri.EscapeDataString(info.Bucket)}/{EscapeKeyPath(info.Key)}");
            writer.WriteElementString("Bucket", info.Bucket);
            writer.WriteElementString("Key", info.Key);
            writer.WriteElementString("ETag", info.ETag);
            WriteChecksumElements(writer, info.Checksums);
        });
    }

    private async Task AbortMultipartUploadAsync(S3Call call)
    {
        await RequireOwnedBucketAsync(call, call.Bucket);
        await _store.AbortMultipartUploadAsync(call.Bucket, call.Key, UploadId(call.Request), call.Aborted);
        call.Response.StatusCode = 204;
    }

    private async Task ListPartsAsync(S3Call call)
    {
        var bucket = await RequireOwnedBucketAsync(call, call.Bucket);
        var query = call.Request.Query;
        var maxParts = ParseCount(query["max-parts"], "max-parts", MaxListEntries, MaxListEntries);
        var marker = ParseCount(query["part-number-marker"], "part-number-marker", 0, int.MaxValue);
        var uploadId = UploadId(call.Request);
        var listing = await _store.ListPartsAsync(call.Bucket, call.Key, uploadId, marker, maxParts, call.Aborted);

        await S3Xml.WriteAsync(call.Response, 200, "ListPartsResult", writer =>
        {
            writer.WriteElementString("Bucket", call.Bucket);
            writer.WriteElementString("Key", call.Key);
            writer.WriteElementString("UploadId", uploadId);
            writer.WriteElementString("PartNumberMarker", marker.ToString(CultureInfo.InvariantCulture));
            writer.WriteElementString("NextPartNumberMarker", listing.NextPartNumberMarker.ToString(CultureInfo.InvariantCulture));
            writer.WriteElementString("MaxParts", maxParts.ToString(CultureInfo.InvariantCulture));
            writer.WriteElementString("IsTruncated", listing.IsTruncated ? "true" : "false");
            foreach (var part in listing.Parts)
            {
                writer.WriteStartElement("Part");
                writer.WriteElementString("PartNumber", part.PartNumber.ToString(CultureInfo.InvariantCulture));
                writer.WriteElementString("LastModified", S3Xml.Timestamp(part.LastModified));
                writer.WriteElementString("ETag", part.ETag);
                writer.WriteElementString("Size", part.Size.ToString(CultureInfo.InvariantCulture));
                foreach (var (algorithm, value) in part.Checksums)
                {
                    writer.WriteElementString("Checksum" + algorithm, value);
                }

                writer.WriteEndElement();
            }

            WriteOwner(writer, "Initiator", bucket.OwnerAccountId);
            WriteOwner(writer, "Owner", bucket.OwnerAccountId);
            writer.WriteElementString("StorageClass", "STANDARD");
        });
    }

    private async Task ListMultipartUploadsAsync(S3Call call)
    {
        var bucket = await RequireOwnedBucketAsync(call, call.Bucket);
        var query = call.Request.Query;
        if (ObjectWriteHeaders.NullIfEmpty(query["delimiter"]) is not null)
        {
            throw S3ErrorException.NotImplemented("the delimiter parameter of ListMultipartUploads");
        }

        var prefix = ObjectWriteHeaders.NullIfEmpty(query["prefix"]);
        var keyMarker = ObjectWriteHeaders.NullIfEmpty(query["key-marker"]);
        var uploadIdMarker = ObjectWriteHeaders.NullIfEmpty(query["upload-id-marker"]);
        var maxUploads = ParseCount(query["max-uploads"], "max-uploads", MaxListEntries, MaxListEntries);
        var urlEncoded = UrlEncoding(query["encoding-type"]);
        string Encode(string value) => urlEncoded ? UrlEncodeKey(value) : value;

        var listing = await _store.ListMultipartUploadsAsync(call.Bucket, prefix, keyMarker, uploadIdMarker, maxUploads, call.Aborted);
        await S3Xml.WriteAsync(call.Response, 200, "ListMultipartUploadsResult", writer =>
        {
            writer.WriteElementString("Bucket", call.Bucket);
            writer.WriteElementString("KeyMarker", Encode(keyMarker ?? string.Empty));
            writer.WriteElementString("UploadIdMarker", uploadIdMarker ?? string.Empty);
            writer.WriteElementString("NextKeyMarker", Encode(listing.NextKeyMarker ?? string.Empty));
            writer.WriteElementString("NextUploadIdMarker", listing.NextUploadIdMarker ?? string.Empty);
            writer.WriteElementString("Prefix", Encode(prefix ?? string.Empty));
            writer.WriteElementString("MaxUploads", maxUploads.ToString(CultureInfo.InvariantCulture));
            if (urlEncoded)
            {
                writer.WriteElementString("EncodingType", "url");
            }

            writer.WriteElementString("IsTruncated", listing.IsTruncated ? "true" : "false");
            foreach (var upload in listing.Uploads)
            {
                writer.WriteStartElement("Upload");
                writer.WriteElementString("Key", Encode(upload.Key));
                writer.WriteElementString("UploadId", upload.UploadId);
                WriteOwner(writer, "Initiator", bucket.OwnerAccountId);
                WriteOwner(writer, "Owner", bucket.OwnerAccountId);
                writer.WriteElementString("StorageClass", "STANDARD");
                writer.WriteElementString("Initiated", S3Xml.Timestamp(upload.Initiated));
                writer.WriteEndElement();
            }
        });
    }

    private static string UploadId(HttpRequest request) =>
        ObjectWriteHeaders.NullIfEmpty(request.Query["uploadId"])
        ?? throw new ObjectStoreException("NoSuchUpload", "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.");

    /// <summary>x-amz-copy-source-range: "bytes=first-last", both inclusive and inside the source.</summary>
    private static ByteRange CopySourceRange(HttpRequest request, long sourceSize)
    {
        var header = ObjectWriteHeaders.NullIfEmpty(request.Headers["x-amz-copy-source-range"]);
        if (header is null)
        {
            return new ByteRange(0, sourceSize);
        }

        var spec = header.StartsWith("bytes=", StringComparison.OrdinalIgnoreCase) ? header[6..] : string.Empty;
        var dash = spec.IndexOf('-', StringComparison.Ordinal);
        if (dash > 0
            && long.TryParse(spec[..dash], NumberStyles.None, CultureInfo.InvariantCulture, out var first)
            && long.TryParse(spec[(dash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var last)
            && first <= last && last < sourceSize)
        {
            return new ByteRange(first, last - first + 1);
        }

        throw S3ErrorException.InvalidArgument($"Range specified is not valid for source object of size: {sourceSize}");
    }

    private static string EscapeKeyPath(string key) => string.Join('/', key.Split('/').Select(Uri.EscapeDataString));
}

using System.Globalization;
using System.Xml;
using Vmie.Storage.Objects;

namespace Vmie.Api.Protocols.S3Rest;

public sealed partial class S3RestEndpoint
{
    private const int MaxListEntries = 1000;

    private async Task ListObjectsV2Async(S3Call call)
    {
        var bucket = await RequireOwnedBucketAsync(call, call.Bucket);
        var query = call.Request.Query;
        var prefix = ObjectWriteHeaders.NullIfEmpty(query["prefix"]);
        var delimiter = ObjectWriteHeaders.NullIfEmpty(query["delimiter"]);
        var maxKeys = ParseCount(query["max-keys"], "max-keys", MaxListEntries, MaxListEntries);
        var urlEncoded = UrlEncoding(query["encoding-type"]);
        var fetchOwner = string.Equals(query["fetch-owner"], "true", StringComparison.OrdinalIgnoreCase);
        var startAfter = ObjectWriteHeaders.NullIfEmpty(query["start-after"]);
        var continuationToken = ObjectWriteHeaders.NullIfEmpty(query["continuation-token"]);
        var resumeAfter = continuationToken is not null ? DecodeToken(continuationToken) : startAfter;

        var listing = await _store.ListObjectsAsync(call.Bucket, new ObjectListingRequest { Prefix = prefix, Delimiter = delimiter, StartAfter = resumeAfter, MaxKeys = maxKeys }, call.Aborted);
        string Encode(string value) => urlEncoded ? Uri.EscapeDataString(value) : value;

        await S3Xml.WriteAsync(call.Response, 200, "ListBucketResult", writer =>
        {
            writer.WriteElementString("Name", call.Bucket);
            writer.WriteElementString("Prefix", Encode(prefix ?? string.Empty));
            if (delimiter is not null)
            {
                writer.WriteElementString("Delimiter", Encode(delimiter));
            }

            writer.WriteElementString("MaxKeys", maxKeys.ToString(CultureInfo.InvariantCulture));
            if (urlEncoded)
            {
                writer.WriteElementString("EncodingType", "url");
            }

            writer.WriteElementString("KeyCount", (listing.Objects.Count + listing.CommonPrefixes.Count).ToString(CultureInfo.InvariantCulture));
            writer.WriteElementString("IsTruncated", listing.IsTruncated ? "true" : "false");
            if (continuationToken is not null)
            {
                writer.WriteElementString("ContinuationToken", continuationToken);
            }

            if (listing.IsTruncated)
            {
                writer.WriteElementString("NextContinuationToken", EncodeToken(listing.NextStartAfter!));
            }

            if (startAfter is not null)
            {
                writer.WriteElementString("StartAfter", Encode(startAfter));
            }

            WriteEntries(writer, listing, fetchOwner ? bucket.OwnerAccountId : null, Encode);
        });
    }

    private async Task ListObjectsV1Async(S3Call call)
    {
        var bucket = await RequireOwnedBucketAsync(call, call.Bucket);
        var query = call.Request.Query;
        var prefix = ObjectWriteHeaders.NullIfEmpty(query["prefix"]);
        var delimiter = ObjectWriteHeaders.NullIfEmpty(query["delimiter"]);
        var marker = ObjectWriteHeaders.NullIfEmpty(query["marker"]);
        var maxKeys = ParseCount(query["max-keys"], "max-keys", MaxListEntries, MaxListEntries);
        var urlEncoded = UrlEncoding(query["encoding-type"]);

        var listing = await _store.ListObjectsAsync(call.Bucket, new ObjectListingRequest { Prefix = prefix, Delimiter = delimiter, StartAfter = marker, MaxKeys = maxKeys }, call.Aborted);
        string Encode(string value) => urlEncoded ? Uri.EscapeDataString(value) : value;

        await S3Xml.WriteAsync(call.Response, 200, "ListBucketResult", writer =>
        {
            writer.WriteElementString("Name", call.Bucket);
            writer.WriteElementString("Prefix", Encode(prefix ?? string.Empty));
            writer.WriteElementString("Marker", Encode(marker ?? string.Empty));
            if (listing.IsTruncated)
            {
                writer.WriteElementString("NextMarker", Encode(listing.NextStartAfter!));
            }

            writer.WriteElementString("MaxKeys", maxKeys.ToString(CultureInfo.InvariantCulture));
            if (delimiter is not null)
            {
                writer.WriteElementString("Delimiter", Encode(delimiter));
            }

            if (urlEncoded)
            {
                writer.WriteElementString("EncodingType", "url");
            }

            writer.WriteElementString("IsTruncated", listing.IsTruncated ? "true" : "false");
            WriteEntries(writer, listing, bucket.OwnerAccountId, Encode);
        });
    }

    private static void WriteEntries(XmlWriter writer, ObjectListing listing, string? owner, Func<string, string> encode)
    {
        foreach (var item in listing.Objects)
        {
            writer.WriteStartElement("Contents");
            writer.WriteElementString("Key", encode(item.Key));
            writer.WriteElementString("LastModified", S3Xml.Timestamp(item.LastModified));
            writer.WriteElementString("ETag", item.ETag);
            foreach (var (algorithm, value) in item.Checksums)
            {
                writer.WriteElementString("ChecksumAlgorithm", algorithm);
                writer.WriteElementString("ChecksumType", ObjectResponseHeaders.ChecksumType(value));
                break;
            }

            writer.WriteElementString("Size", item.Size.ToString(CultureInfo.InvariantCulture));
            if (owner is not null)
            {
                WriteOwner(writer, "Owner", owner);
            }

            writer.WriteElementString("StorageClass", "STANDARD");
            writer.WriteEndElement();
        }

        foreach (var commonPrefix in listing.CommonPrefixes)
        {
            writer.WriteStartElement("CommonPrefixes");
            writer.WriteElementString("Prefix", encode(commonPrefix));
            writer.WriteEndElement();
        }
    }

    private static bool UrlEncoding(Microsoft.Extensions.Primitives.StringValues value)
    {
        var text = ObjectWriteHeaders.NullIfEmpty(value);
        return text switch
        {
            null => false,
            _ when string.Equals(text, "url", StringComparison.OrdinalIgnoreCase) => true,
            _ => throw S3ErrorException.InvalidArgument("Invalid Encoding Method specified in Request"),
        };
    }
}

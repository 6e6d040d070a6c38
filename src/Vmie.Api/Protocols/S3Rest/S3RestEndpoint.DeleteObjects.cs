using System.Security.Cryptography;
using Vmie.Storage.Checksums;
using Vmie.Storage.Objects;

namespace Vmie.Api.Protocols.S3Rest;

public sealed partial class S3RestEndpoint
{
    private async Task DeleteObjectsAsync(S3Call call)
    {
        await RequireOwnedBucketAsync(call, call.Bucket);
        var headers = call.Request.Headers;
        var md5 = ObjectWriteHeaders.ContentMd5(headers);
        var checksums = ObjectWriteHeaders.ExpectedChecksums(headers);
        var trailingChecksum = ObjectWriteHeaders.NullIfEmpty(headers["x-amz-trailer"]) is not null;
        if (md5 is null && checksums.Count == 0 && !trailingChecksum)
        {
            // S3 insists on an integrity check for this request, and so do we.
            throw S3ErrorException.InvalidRequest("Missing required header for this request: Content-MD5 (or an x-amz-checksum-* header)");
        }

        var body = await S3Xml.ReadBodyAsync(call.Request, _options.MaxXmlRequestBytes, call.Aborted);
        if (md5 is not null && !CryptographicOperations.FixedTimeEquals(md5, MD5.HashData(body)))
        {
            throw new S3ErrorException("BadDigest", "The Content-MD5 you specified did not match what we received.");
        }

        foreach (var (algorithm, value) in checksums)
        {
            if (ChecksumAlgorithm.Parse(algorithm).ComputeBase64(body) != value)
            {
                throw new S3ErrorException("BadDigest", $"The {algorithm} you specified did not match the calculated checksum.");
            }
        }

        var document = S3Xml.Parse(body);
        if (document is null || document.Name.LocalName != "Delete")
        {
            throw S3ErrorException.MalformedXml("the root element must be Delete");
        }

        var quiet = string.Equals(S3Xml.ChildValue(document, "Quiet")?.Trim(), "true", StringComparison.OrdinalIgnoreCase);
        var objects = S3Xml.Children(document, "Object").ToList();
        if (objects.Count is 0 or > 1000)
        {
            throw S3ErrorException.MalformedXml("a Delete request names between 1 and 1000 objects");
        }

        var results = new List<(string Key, string? Code, string? Message)>(objects.Count);
        foreach (var item in objects)
        {
            var key = S3Xml.ChildValue(item, "Key") ?? throw S3ErrorException.MalformedXml("every Object needs a Key");
            var versionId = S3Xml.ChildValue(item, "VersionId");
            if (versionId is not null && versionId != "null")
            {
                results.Add((key, "NoSuchVersion", "The specified version does not exist."));
                continue;
            }

            try
            {
                await _store.DeleteObjectAsync(call.Bucket, key, call.Aborted);
                results.Add((key, null, null));
            }
            catch (ObjectStoreException e)
            {
                results.Add((key, e.Code, e.Message));
            }
        }

        await S3Xml.WriteAsync(call.Response, 200, "DeleteResult", writer =>
        {
            foreach (var (key, code, message) in results)
            {
                if (code is null)
                {
                    if (!quiet)
                    {
                        writer.WriteStartElement("Deleted");
                        writer.WriteElementString("Key", key);
                        writer.WriteEndElement();
                    }

                    continue;
                }

                writer.WriteStartElement("Error");
                writer.WriteElementString("Key", key);
                writer.WriteElementString("Code", code);
                writer.WriteElementString("Message", message);
                writer.WriteEndElement();
            }
        });
    }
}

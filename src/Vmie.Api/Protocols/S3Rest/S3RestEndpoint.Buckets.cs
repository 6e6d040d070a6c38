using System.Text;
using Vmie.Storage.Objects;

namespace Vmie.Api.Protocols.S3Rest;

public sealed partial class S3RestEndpoint
{
    private const string DefaultRegion = "us-east-1";

    private async Task ListBucketsAsync(S3Call call)
    {
        var query = call.Request.Query;
        var prefix = ObjectWriteHeaders.NullIfEmpty(query["prefix"]);
        var region = ObjectWriteHeaders.NullIfEmpty(query["bucket-region"]);
        var maxBuckets = ParseCount(query["max-buckets"], "max-buckets", 10000, 10000);
        var after = DecodeToken(ObjectWriteHeaders.NullIfEmpty(query["continuation-token"]));

        var owned = (await _store.ListBucketsAsync(call.Aborted))
            .Where(b => string.Equals(b.OwnerAccountId, call.Caller.AccountId, StringComparison.Ordinal))
            .Where(b => prefix is null || b.Name.StartsWith(prefix, StringComparison.Ordinal))
            .Where(b => region is null || b.Region == region)
            .Where(b => after is null || string.CompareOrdinal(b.Name, after) > 0)
            .ToList();
        var page = owned.Take(maxBuckets).ToList();
        var truncated = owned.Count > page.Count;

        await S3Xml.WriteAsync(call.Response, 200, "ListAllMyBucketsResult", writer =>
        {
            WriteOwner(writer, "Owner", call.Caller.AccountId);
            writer.WriteStartElement("Buckets");
            foreach (var bucket in page)
            {
                writer.WriteStartElement("Bucket");
                writer.WriteElementString("Name", bucket.Name);
                writer.WriteElementString("CreationDate", S3Xml.Timestamp(bucket.CreatedAt));
                writer.WriteElementString("BucketRegion", bucket.Region);
                writer.WriteEndElement();
            }

            writer.WriteEndElement();
            if (truncated)
            {
                writer.WriteElementString("ContinuationToken", EncodeToken(page[^1].Name));
            }

            if (prefix is not null)
            {
                writer.WriteElementString("Prefix", prefix);
            }
        });
    }

    private async Task CreateBucketAsync(S3Call call)
    {
        if (string.Equals(call.Request.Headers["x-amz-bucket-object-lock-enabled"], "true", StringComparison.OrdinalIgnoreCase))
        {
            throw S3ErrorException.NotImplemented("S3 Object Lock");
        }

        var document = S3Xml.Parse(await S3Xml.ReadBodyAsync(call.Request, _options.MaxXmlRequestBytes, call.Aborted));
        if (document is not null && document.Name.LocalName != "CreateBucketConfiguration")
        {
            throw S3ErrorException.MalformedXml("the root element must be CreateBucketConfiguration");
        }

        var constraint = document is null ? null : S3Xml.ChildValue(document, "LocationConstraint");
        var region = string.IsNullOrEmpty(constraint) ? DefaultRegion : constraint == "EU" ? "eu-west-1" : constraint;

        // As in S3: the bucket is created in the region of the endpoint the request was signed for.
        if (!string.IsNullOrEmpty(call.Caller.Region) && !string.Equals(region, call.Caller.Region, StringComparison.Ordinal))
        {
            throw new S3ErrorException("IllegalLocationConstraintException", string.IsNullOrEmpty(constraint)
                ? "The unspecified location constraint is incompatible for the region specific endpoint this request was sent to."
                : $"The {constraint} location constraint is incompatible for the region specific endpoint this request was sent to.");
        }

        try
        {
            await _store.CreateBucketAsync(call.Bucket, call.Caller.AccountId, region, call.Aborted);
        }
        catch (ObjectStoreException e) when (e.Code == "BucketAlreadyOwnedByYou" && region == DefaultRegion)
        {
            // us-east-1 answers 200 when the owner creates a bucket it already has there (legacy S3 behaviour).
            var existing = await _store.GetBucketAsync(call.Bucket, call.Aborted);
            if (existing?.Region != DefaultRegion)
            {
                throw;
            }
        }

        call.Response.StatusCode = 200;
        call.Response.Headers.Location = "/" + call.Bucket;
        call.Response.ContentLength = 0;
    }

    private async Task DeleteBucketAsync(S3Call call)
    {
        await RequireOwnedBucketAsync(call, call.Bucket);
        await _store.DeleteBucketAsync(call.Bucket, call.Aborted);
        call.Response.StatusCode = 204;
    }

    private async Task HeadBucketAsync(S3Call call)
    {
        var bucket = await RequireOwnedBucketAsync(call, call.Bucket);
        call.Response.StatusCode = 200;
        call.Response.Headers["x-amz-bucket-region"] = bucket.Region;
        call.Response.Headers["x-amz-access-point-alias"] = "false";
    }

    private async Task GetBucketLocationAsync(S3Call call)
    {
        var bucket = await RequireOwnedBucketAsync(call, call.Bucket);

        // us-east-1 is reported as an empty constraint, as S3 does.
        await S3Xml.WriteAsync(call.Response, 200, "LocationConstraint", writer =>
        {
            if (bucket.Region != DefaultRegion)
            {
                writer.WriteString(bucket.Region);
            }
        });
    }

    private async Task GetBucketVersioningAsync(S3Call call)
    {
        await RequireOwnedBucketAsync(call, call.Bucket);

        // Versioning is never enabled here; S3 answers an empty configuration for such buckets.
        await S3Xml.WriteAsync(call.Response, 200, "VersioningConfiguration", _ => { });
    }

    /// <summary>The only ACL there is: the owner has full control (bucket-owner-enforced, S3's default).</summary>
    private async Task GetAclAsync(S3Call call)
    {
        var bucket = await RequireOwnedBucketAsync(call, call.Bucket);
        if (call.Target.Key is not null && await _store.HeadObjectAsync(call.Bucket, call.Key, call.Aborted) is null)
        {
            throw new ObjectStoreException("NoSuchKey", "The specified key does not exist.");
        }

        await S3Xml.WriteAsync(call.Response, 200, "AccessControlPolicy", writer =>
        {
            WriteOwner(writer, "Owner", bucket.OwnerAccountId);
            writer.WriteStartElement("AccessControlList");
            writer.WriteStartElement("Grant");
            writer.WriteStartElement("Grantee");
            writer.WriteAttributeString("xmlns", "xsi", null, "http://www.w3.org/2001/XMLSchema-instance");
            writer.WriteAttributeString("xsi", "type", "http://www.w3.org/2001/XMLSchema-instance", "CanonicalUser");
            writer.WriteElementString("ID", bucket.OwnerAccountId);
            writer.WriteElementString("DisplayName", bucket.OwnerAccountId);
            writer.WriteEndElement();
            writer.WriteElementString("Permission", "FULL_CONTROL");
            writer.WriteEndElement();
            writer.WriteEndElement();
        });
    }

    private static void WriteOwner(System.Xml.XmlWriter writer, string element, string accountId)
    {
        writer.WriteStartElement(element);
        writer.WriteElementString("ID", accountId);
        writer.WriteElementString("DisplayName", accountId);
        writer.WriteEndElement();
    }

    /// <summary>Continuation tokens are opaque to clients: base64 of the last name returned.</summary>
    private static string EncodeToken(string lastName) => Convert.ToBase64String(Encoding.UTF8.GetBytes(lastName));

    private static string? DecodeToken(string? token)
    {
        if (token is null)
        {
            return null;
        }

        try
        {
            return new UTF8Encoding(false, true).GetString(Convert.FromBase64String(token));
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            throw S3ErrorException.InvalidArgument("The continuation token provided is incorrect");
        }
    }

    /// <summary>A max-keys style count: absent → <paramref name="defaultValue"/>, above the cap → the cap.</summary>
    private static int ParseCount(Microsoft.Extensions.Primitives.StringValues value, string name, int defaultValue, int cap)
    {
        var text = ObjectWriteHeaders.NullIfEmpty(value);
        if (text is null)
        {
            return defaultValue;
        }

        if (!int.TryParse(text, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var count) || count < 0)
        {
            throw S3ErrorException.InvalidArgument($"Provided {name} not an integer or within integer range");
        }

        return Math.Min(count, cap);
    }
}

using System.Globalization;
using Microsoft.AspNetCore.Http;
using Vmie.Storage.Objects;

namespace Vmie.Api.Protocols.S3Rest;

/// <summary>
/// If-Match / If-Unmodified-Since (412) and If-None-Match / If-Modified-Since (304 on reads), evaluated in
/// RFC 9110's order, which is also S3's: a true If-Match overrides If-Unmodified-Since, a present
/// If-None-Match overrides If-Modified-Since. Dates compare at one-second precision, like Last-Modified.
/// </summary>
internal static class ObjectPreconditions
{
    public enum Outcome
    {
        Proceed,
        NotModified,
        PreconditionFailed,
    }

    public static Outcome Evaluate(IHeaderDictionary headers, ObjectInfo info, string ifMatch = "If-Match", string ifNoneMatch = "If-None-Match",
        string ifModifiedSince = "If-Modified-Since", string ifUnmodifiedSince = "If-Unmodified-Since")
    {
        var modified = DateTimeOffset.FromUnixTimeSeconds(info.LastModified.ToUnixTimeSeconds());
        var match = ObjectWriteHeaders.NullIfEmpty(headers[ifMatch]);
        if (match is not null)
        {
            if (!Matches(match, info.ETag))
            {
                return Outcome.PreconditionFailed;
            }
        }
        else if (ParseDate(headers[ifUnmodifiedSince]) is { } unmodifiedSince && modified > unmodifiedSince)
        {
            return Outcome.PreconditionFailed;
        }

        var noneMatch = ObjectWriteHeaders.NullIfEmpty(headers[ifNoneMatch]);
        if (noneMatch is not null)
        {
            if (Matches(noneMatch, info.ETag))
            {
                return Outcome.NotModified;
            }
        }
        else if (ParseDate(headers[ifModifiedSince]) is { } modifiedSince && modified <= modifiedSince)
        {
            return Outcome.NotModified;
        }

        return Outcome.Proceed;
    }

    /// <summary>Whether a comma-separated list of entity tags (or "*") names <paramref name="etag"/>.</summary>
    public static bool Matches(string list, string etag)
    {
        var normalized = Normalize(etag);
        foreach (var candidate in list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (candidate == "*" || Normalize(candidate) == normalized)
            {
                return true;
            }
        }

        return false;
    }

    private static string Normalize(string etag)
    {
        var value = etag.Trim();
        if (value.StartsWith("W/", StringComparison.Ordinal))
        {
            value = value[2..];
        }

        return value.Trim('"').ToLowerInvariant();
    }

    private static DateTimeOffset? ParseDate(Microsoft.Extensions.Primitives.StringValues value)
    {
        var text = ObjectWriteHeaders.NullIfEmpty(value);
        return text is not null && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var date)
            ? date
            : null;
    }
}

using System.Text;

namespace Vmie.Api.Auth.SigV4;

/// <summary>Builds the SigV4 canonical request and its parts, exactly as AWS specifies them.</summary>
internal static class CanonicalRequest
{
    public static string Build(
        string method,
        string canonicalUri,
        string canonicalQuery,
        RequestHeaders headers,
        IReadOnlyList<string> signedHeaders,
        string payloadHash)
    {
        var builder = new StringBuilder(256);
        builder.Append(method).Append('\n');
        builder.Append(canonicalUri).Append('\n');
        builder.Append(canonicalQuery).Append('\n');
        foreach (var name in signedHeaders)
        {
            builder.Append(name).Append(':');
            AppendHeaderValue(builder, headers.GetAll(name));
            builder.Append('\n');
        }

        builder.Append('\n');
        builder.AppendJoin(';', signedHeaders).Append('\n');
        builder.Append(payloadHash);
        return builder.ToString();
    }

    /// <summary>
    /// For s3: the path as sent, each segment decoded then encoded once, no dot-segment normalisation (object
    /// keys may contain "." and ".."). Splitting before decoding keeps an encoded '/' (%2F) inside its segment.
    /// </summary>
    public static string S3Uri(string rawPath)
    {
        if (rawPath.Length == 0)
        {
            return "/";
        }

        var builder = new StringBuilder(rawPath.Length + 16);
        if (rawPath[0] != '/')
        {
            builder.Append('/');
        }

        var segments = rawPath.Split('/');
        for (var i = 0; i < segments.Length; i++)
        {
            if (i > 0)
            {
                builder.Append('/');
            }

            UriEncoding.AppendEncoded(builder, UriEncoding.PercentDecode(segments[i]));
        }

        return builder.ToString();
    }

    /// <summary>
    /// For every service but s3: empty and "." segments dropped, ".." resolved, then each segment of the path
    /// as sent (already percent-encoded once by the client) encoded again, as the AWS SigV4 test suite expects.
    /// </summary>
    public static string NormalizedUri(string rawPath)
    {
        var segments = rawPath.Split('/');
        var kept = new List<string>(segments.Length);
        foreach (var segment in segments)
        {
            switch (segment)
            {
                case "" or ".":
                    break;
                case "..":
                    if (kept.Count > 0)
                    {
                        kept.RemoveAt(kept.Count - 1);
                    }

                    break;
                default:
                    kept.Add(segment);
                    break;
            }
        }

        var builder = new StringBuilder(rawPath.Length + 16);
        foreach (var segment in kept)
        {
            builder.Append('/');
            UriEncoding.AppendEncoded(builder, segment);
        }

        var endsWithDirectory = segments.Length > 1 && segments[^1] is "" or "." or "..";
        if (kept.Count == 0 || endsWithDirectory)
        {
            builder.Append('/');
        }

        return builder.ToString();
    }

    /// <summary>Each name and value decoded then encoded, sorted by name then value (byte order).</summary>
    public static string Query(IEnumerable<QueryParameter> parameters)
    {
        var encoded = parameters
            .Select(p => (Name: UriEncoding.Encode(UriEncoding.PercentDecode(p.RawName)), Value: UriEncoding.Encode(UriEncoding.PercentDecode(p.RawValue))))
            .OrderBy(p => p.Name, StringComparer.Ordinal)
            .ThenBy(p => p.Value, StringComparer.Ordinal);
        return string.Join('&', encoded.Select(p => p.Name + "=" + p.Value));
    }

    /// <summary>Values trimmed, inner runs of whitespace collapsed to one space, several values joined by ','.</summary>
    private static void AppendHeaderValue(StringBuilder builder, IReadOnlyList<string> values)
    {
        for (var i = 0; i < values.Count; i++)
        {
            if (i > 0)
            {
                builder.Append(',');
            }

            var value = values[i].AsSpan().Trim();
            var previousWasSpace = false;
            foreach (var c in value)
            {
                var isSpace = c is ' ' or '\t';
                if (isSpace)
                {
                    if (!previousWasSpace)
                    {
                        builder.Append(' ');
                    }
                }
                else
                {
                    builder.Append(c);
                }

                previousWasSpace = isSpace;
            }
        }
    }
}

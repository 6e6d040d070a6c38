using System.Globalization;

namespace Vmie.Api.Protocols.S3Rest;

/// <summary>A single Range request ("bytes=a-b", "bytes=a-", "bytes=-n") resolved against an object's length.</summary>
public readonly record struct ByteRange(long Start, long Length)
{
    public long End => Start + Length - 1;

    /// <summary>
    /// Resolves <paramref name="header"/>. Returns null when the whole object should be sent: no header, a
    /// header that is not a single byte range (ignored, as HTTP allows and S3 does for multiple ranges).
    /// Throws InvalidRange (416) when the range is well-formed but unsatisfiable.
    /// </summary>
    public static ByteRange? Resolve(string? header, long objectLength)
    {
        if (string.IsNullOrWhiteSpace(header))
        {
            return null;
        }

        var value = header.Trim();
        if (!value.StartsWith("bytes=", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var spec = value["bytes=".Length..].Trim();
        var dash = spec.IndexOf('-', StringComparison.Ordinal);
        if (dash < 0 || spec.Contains(',', StringComparison.Ordinal))
        {
            return null;
        }

        var first = spec[..dash].Trim();
        var last = spec[(dash + 1)..].Trim();
        if (first.Length == 0)
        {
            // Suffix range: the last n bytes.
            if (!TryParse(last, out var suffix))
            {
                return null;
            }

            if (suffix == 0 || objectLength == 0)
            {
                throw Unsatisfiable(objectLength);
            }

            var length = Math.Min(suffix, objectLength);
            return new ByteRange(objectLength - length, length);
        }

        if (!TryParse(first, out var start))
        {
            return null;
        }

        long end;
        if (last.Length == 0)
        {
            end = objectLength - 1;
        }
        else if (!TryParse(last, out end) || end < start)
        {
            return null;
        }

        if (start >= objectLength)
        {
            throw Unsatisfiable(objectLength);
        }

        end = Math.Min(end, objectLength - 1);
        return new ByteRange(start, end - start + 1);
    }

    public string ContentRange(long objectLength) => $"bytes {Start}-{End}/{objectLength}";

    private static bool TryParse(string text, out long value) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);

    private static S3ErrorException Unsatisfiable(long objectLength) =>
        new("InvalidRange", $"The requested range is not satisfiable (the object has {objectLength} bytes).");
}

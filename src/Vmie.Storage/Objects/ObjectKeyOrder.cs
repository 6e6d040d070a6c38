using System.Text;

namespace Vmie.Storage.Objects;

/// <summary>
/// Keys are ordered by their UTF-8 bytes, as S3 lists them and as SQLite's BINARY collation compares UTF-8
/// TEXT. UTF-8 byte order equals Unicode code point order, which is NOT .NET's ordinal (UTF-16) order for
/// characters above U+FFFF versus U+E000..U+FFFF, so comparisons here go through code points.
/// </summary>
public static class ObjectKeyOrder
{
    /// <summary>Compares two keys by their UTF-8 bytes.</summary>
    public static int Compare(string? left, string? right)
    {
        if (left is null || right is null)
        {
            return left is null ? (right is null ? 0 : -1) : 1;
        }

        var a = left.AsSpan();
        var b = right.AsSpan();
        while (!a.IsEmpty && !b.IsEmpty)
        {
            Rune.DecodeFromUtf16(a, out var runeA, out var usedA);
            Rune.DecodeFromUtf16(b, out var runeB, out var usedB);
            if (runeA != runeB)
            {
                return runeA.Value.CompareTo(runeB.Value);
            }

            a = a[usedA..];
            b = b[usedB..];
        }

        return a.Length.CompareTo(b.Length);
    }

    /// <summary>
    /// The smallest string that sorts after every string starting with <paramref name="prefix"/>, or null
    /// when there is none (the prefix is all U+10FFFF). Used to skip past a common prefix in one index seek.
    /// </summary>
    public static string? PrefixUpperBound(string prefix)
    {
        var runes = prefix.EnumerateRunes().ToList();
        while (runes.Count > 0)
        {
            var last = runes[^1].Value;
            runes.RemoveAt(runes.Count - 1);
            if (last == 0x10FFFF)
            {
                continue;
            }

            var next = last + 1 == 0xD800 ? 0xE000 : last + 1;
            var builder = new StringBuilder(prefix.Length + 1);
            foreach (var rune in runes)
            {
                builder.Append(rune.ToString());
            }

            builder.Append(new Rune(next).ToString());
            return builder.ToString();
        }

        return null;
    }
}

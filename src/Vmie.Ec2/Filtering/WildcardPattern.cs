namespace Vmie.Ec2.Filtering;

/// <summary>
/// EC2 filter value matching: case-sensitive, '*' matches any run of characters, '?' exactly one,
/// and a backslash makes the next character literal ("\*" matches a star).
/// </summary>
public static class WildcardPattern
{
    public static bool IsMatch(string pattern, string text) => Match(pattern.AsSpan(), text.AsSpan());

    // Greedy matching with one backtrack point (the last '*'), linear in practice and never exponential.
    private static bool Match(ReadOnlySpan<char> pattern, ReadOnlySpan<char> text)
    {
        int p = 0, t = 0, starP = -1, starT = -1;
        while (t < text.Length)
        {
            if (p < pattern.Length)
            {
                var c = pattern[p];
                if (c == '*')
                {
                    starP = ++p;
                    starT = t;
                    continue;
                }

                if (c == '?')
                {
                    p++;
                    t++;
                    continue;
                }

                var literal = c;
                var width = 1;
                if (c == '\\' && p + 1 < pattern.Length)
                {
                    literal = pattern[p + 1];
                    width = 2;
                }

                if (literal == text[t])
                {
                    p += width;
                    t++;
                    continue;
                }
            }

            if (starP < 0)
            {
                return false;
            }

            p = starP;
            t = ++starT;
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }
}

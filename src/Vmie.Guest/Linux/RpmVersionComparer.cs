namespace Vmie.Guest.Linux;

/// <summary>
/// Orders version strings as rpm's rpmvercmp does (and GRUB's blscfg sorts entries): runs of digits compare
/// as numbers, runs of letters as text, a numeric run is newer than an alphabetic one, other characters only
/// separate, '~' sorts before anything (pre-releases), and the longer string wins when all else is equal.
/// </summary>
public sealed class RpmVersionComparer : IComparer<string>
{
    public static RpmVersionComparer Instance { get; } = new();

    public int Compare(string? x, string? y)
    {
        if (ReferenceEquals(x, y))
        {
            return 0;
        }

        if (x is null || y is null)
        {
            return x is null ? -1 : 1;
        }

        int i = 0, j = 0;
        while (i < x.Length || j < y.Length)
        {
            while (i < x.Length && !char.IsAsciiLetterOrDigit(x[i]) && x[i] != '~')
            {
                i++;
            }

            while (j < y.Length && !char.IsAsciiLetterOrDigit(y[j]) && y[j] != '~')
            {
                j++;
            }

            var xTilde = i < x.Length && x[i] == '~';
            var yTilde = j < y.Length && y[j] == '~';
            if (xTilde || yTilde)
            {
                if (!(xTilde && yTilde))
                {
                    return xTilde ? -1 : 1;
                }

                i++;
                j++;
                continue;
            }

            if (i >= x.Length || j >= y.Length)
            {
                break;
            }

            var numeric = char.IsAsciiDigit(x[i]);
            var xEnd = SegmentEnd(x, i, numeric);
            var yEnd = SegmentEnd(y, j, numeric);
            if (yEnd == j)
            {
                // Segments of different kinds: the numeric one is newer.
                return numeric ? 1 : -1;
            }

            var order = numeric ? CompareNumbers(x[i..xEnd], y[j..yEnd]) : string.CompareOrdinal(x[i..xEnd], y[j..yEnd]);
            if (order != 0)
            {
                return Math.Sign(order);
            }

            i = xEnd;
            j = yEnd;
        }

        var xLeft = i < x.Length;
        var yLeft = j < y.Length;
        return xLeft == yLeft ? 0 : xLeft ? 1 : -1;
    }

    private static int SegmentEnd(string text, int start, bool numeric)
    {
        var end = start;
        while (end < text.Length && (numeric ? char.IsAsciiDigit(text[end]) : char.IsAsciiLetter(text[end])))
        {
            end++;
        }

        return end;
    }

    private static int CompareNumbers(string a, string b)
    {
        a = a.TrimStart('0');
        b = b.TrimStart('0');
        return a.Length != b.Length ? a.Length.CompareTo(b.Length) : string.CompareOrdinal(a, b);
    }
}

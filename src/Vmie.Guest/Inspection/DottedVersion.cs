using System.Globalization;

namespace Vmie.Guest.Inspection;

/// <summary>Numeric comparison of dotted versions ("7.10" after "7.9") as the support tables need it.</summary>
public static class DottedVersion
{
    /// <summary>
    /// Compares <paramref name="version"/> with a table bound, over the bound's components only: "7.9.2009" equals the
    /// bound "7.9", and "12.4" equals the bound "12". Non-numeric components compare as 0.
    /// </summary>
    public static int CompareToBound(string version, string bound)
    {
        ArgumentNullException.ThrowIfNull(version);
        ArgumentNullException.ThrowIfNull(bound);
        var left = version.Split('.');
        var right = bound.Split('.');
        for (var i = 0; i < right.Length; i++)
        {
            var a = i < left.Length ? Number(left[i]) : 0;
            var b = Number(right[i]);
            if (a != b)
            {
                return a.CompareTo(b);
            }
        }

        return 0;
    }

    /// <summary>True when <paramref name="kernelVersion"/> begins with <paramref name="prefix"/> and the next character ends a component ("6.1.0-18" begins with "6.1", "6.10.2" does not).</summary>
    public static bool StartsWithComponents(string kernelVersion, string prefix)
    {
        ArgumentNullException.ThrowIfNull(kernelVersion);
        ArgumentNullException.ThrowIfNull(prefix);
        return kernelVersion.StartsWith(prefix, StringComparison.Ordinal)
            && (kernelVersion.Length == prefix.Length || !char.IsAsciiDigit(kernelVersion[prefix.Length]));
    }

    private static long Number(string component)
    {
        var digits = 0;
        while (digits < component.Length && digits < 9 && char.IsAsciiDigit(component[digits]))
        {
            digits++;
        }

        return digits == 0 ? 0 : long.Parse(component.AsSpan(0, digits), NumberStyles.None, CultureInfo.InvariantCulture);
    }
}

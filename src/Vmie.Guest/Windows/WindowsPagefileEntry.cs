using System.Globalization;

namespace Vmie.Guest.Windows;

/// <summary>One line of PagingFiles.</summary>
public sealed record WindowsPagefileEntry(string Path, int? InitialMegabytes, int? MaximumMegabytes)
{
    /// <summary>"?:\pagefile.sys": Windows picks the drive and the size.</summary>
    public bool IsAutomaticDrive => Path.StartsWith("?:", StringComparison.Ordinal);

    public static WindowsPagefileEntry? Parse(string line)
    {
        var parts = line?.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        if (parts is null || parts.Length == 0)
        {
            return null;
        }

        return new WindowsPagefileEntry(parts[0], Number(parts, 1), Number(parts, 2));
    }

    private static int? Number(string[] parts, int index) =>
        index < parts.Length && int.TryParse(parts[index], NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;
}

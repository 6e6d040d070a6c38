namespace Vmie.Guest.Windows.Registry;

/// <summary>
/// Caps that keep a hostile hive from costing unbounded memory or time. Real hives stay far below them:
/// a SOFTWARE hive holds keys with at most tens of thousands of subkeys and values of at most a few MiB.
/// </summary>
internal static class HiveLimits
{
    /// <summary>Largest cell read as a unit (big values are split into "db" segments far smaller than this).</summary>
    public const int MaxCellBytes = 16 << 20;

    /// <summary>Largest value data a caller can load.</summary>
    public const int MaxValueDataBytes = 16 << 20;

    /// <summary>Subkeys of one key, all subkey lists together.</summary>
    public const int MaxSubkeys = 1 << 20;

    /// <summary>Values of one key.</summary>
    public const int MaxValues = 1 << 20;

    /// <summary>Nesting of "ri" index roots; Windows writes one level, so a few are generous.</summary>
    public const int MaxIndexDepth = 8;

    /// <summary>Components of one key path (Windows limits key nesting to 512 levels).</summary>
    public const int MaxPathDepth = 512;
}

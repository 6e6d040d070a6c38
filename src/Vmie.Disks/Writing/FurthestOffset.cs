namespace Vmie.Disks.Writing;

/// <summary>
/// Progress as the furthest disk offset reached, when work finishes out of order on several threads: the value
/// only ever rises.
/// </summary>
internal static class FurthestOffset
{
    /// <summary>Raises <paramref name="reached"/> to <paramref name="value"/> if that is further; returns the furthest.</summary>
    public static long Raise(ref long reached, long value)
    {
        long current;
        while ((current = Volatile.Read(ref reached)) < value && Interlocked.CompareExchange(ref reached, value, current) != current)
        {
        }

        return Math.Max(current, value);
    }
}

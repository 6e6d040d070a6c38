namespace Vmie.Disks.Abstractions;

/// <summary>Bounds every reader checks before it allocates or trusts anything a header declares.</summary>
public static class DiskImageLimits
{
    /// <summary>Disk images must be smaller than 16 TiB (spec §5.1): nothing larger is ever a valid capacity.</summary>
    public const long MaxVirtualSize = 16L << 40;

    /// <summary>Largest metadata table (BAT, grain directory, region table...) a reader keeps in memory.</summary>
    public const long MaxInMemoryTableBytes = 256L << 20;

    /// <summary>Throws <see cref="InvalidDiskImageException"/> when a declared virtual size is impossible.</summary>
    public static void CheckVirtualSize(long size, string format)
    {
        if (size < 0 || size >= MaxVirtualSize)
        {
            throw new InvalidDiskImageException($"The {format} image declares a virtual size of {size} bytes; disk images must be smaller than 16 TiB.");
        }
    }
}

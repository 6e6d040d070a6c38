namespace Vmie.Guest.Linux.Initramfs;

/// <summary>Caps that keep a hostile initramfs (a decompression bomb, millions of members) from costing more than a real one.</summary>
public sealed record InitramfsLimits(long MaxBytes, int MaxEntries)
{
    /// <summary>Real initramfs images decompress to well under 1 GiB with a few thousand members.</summary>
    public static InitramfsLimits Default { get; } = new(4L << 30, 500_000);
}

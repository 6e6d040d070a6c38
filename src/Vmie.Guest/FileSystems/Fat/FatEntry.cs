namespace Vmie.Guest.FileSystems.Fat;

/// <summary>A FAT entry of a cluster in a chain: the next cluster, or the end of the chain (0 here).</summary>
internal readonly record struct FatEntry(uint Next)
{
    public static readonly FatEntry EndOfChain = new(0);

    public bool IsEndOfChain => Next == 0;
}

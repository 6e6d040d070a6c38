namespace Vmie.Disks.Abstractions;

/// <summary>A byte range of a virtual disk that may hold data (everything else reads as zeros).</summary>
public readonly record struct DiskExtent(long Offset, long Length)
{
    public long End => Offset + Length;
}

namespace Vmie.Disks.Vmdk;

/// <summary>
/// One decoded grain of a streamOptimized VMDK: its byte offset in the virtual disk and its bytes (a whole
/// grain, or less for the last grain when the capacity ends inside it).
/// </summary>
public readonly record struct VmdkGrain(long Offset, ReadOnlyMemory<byte> Data)
{
    public long End => Offset + Data.Length;
}

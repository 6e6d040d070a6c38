namespace Vmie.Disks.Vhdx;

/// <summary>Choices for <see cref="DynamicVhdxWriter"/>; the defaults are what Hyper-V uses for a new dynamic disk.</summary>
public sealed record VhdxWriteOptions
{
    /// <summary>32 MiB, Hyper-V's default block size for a dynamic VHDX.</summary>
    public const int DefaultBlockSize = 32 * 1024 * 1024;

    /// <summary>Payload block size: a power of two from 1 MiB to 256 MiB.</summary>
    public int BlockSize { get; init; } = DefaultBlockSize;

    /// <summary>The headers' FileWriteGuid; a new one when null. Set the three ids for byte-identical output across runs.</summary>
    public Guid? FileWriteGuid { get; init; }

    /// <summary>The headers' DataWriteGuid; a new one when null.</summary>
    public Guid? DataWriteGuid { get; init; }

    /// <summary>The disk's SCSI page 83 identity (Page 83 Data metadata item); a new one when null.</summary>
    public Guid? DiskId { get; init; }
}

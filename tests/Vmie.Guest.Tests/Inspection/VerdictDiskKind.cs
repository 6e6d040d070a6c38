namespace Vmie.Guest.Tests.Inspection;

/// <summary>What a verdict image's disk file is, which decides how it is read and imported.</summary>
internal enum VerdictDiskKind
{
    /// <summary>A raw disk file.</summary>
    Raw,

    /// <summary>
    /// A raw disk file of a disk that is imported as a VHDX: the format is one of the facts (spec §4.3: Windows'
    /// default boot mode and the GPT→MBR conversion depend on it).
    /// </summary>
    RawImportedAsVhdx,

    /// <summary>An image file in its own format (a VHDX made by qemu-img), opened by format detection as `vmie check` does.</summary>
    ImageFile,
}

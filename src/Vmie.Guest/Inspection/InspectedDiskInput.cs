using Vmie.Disks.Abstractions;

namespace Vmie.Guest.Inspection;

/// <summary>
/// One disk of the VM to inspect: its bytes as the guest sees them (e.g. a VirtualDiskBlockSource over the opened
/// image; the caller owns and disposes it) and the image facts the size rules need (spec §5.1 item 11).
/// </summary>
/// <param name="Name">What the user called it (a file name, an s3:// URL), for messages.</param>
/// <param name="FormatName">The image format ("VMDK streamOptimized", "raw"...), as `vmie info` shows it.</param>
/// <param name="ImageFileSize">The size of the image file itself (compressed/sparse), when known.</param>
public sealed record InspectedDiskInput(IBlockSource Source, string Name, string FormatName, long? ImageFileSize = null)
{
    /// <summary>The virtual size of the disk: what the guest and ImportImage's size limits see.</summary>
    public long VirtualSize => Source.Length;
}

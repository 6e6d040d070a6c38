using Vmie.Disks.Sources;
using Vmie.Guest.FileSystems.Xfs;

namespace Vmie.Guest.Tests.FileSystems.Xfs;

/// <summary>Edits a copy of a test image in place: a byte range rewritten, v5 checksums recomputed.</summary>
internal static class XfsImagePatches
{
    public static void Edit(string image, long offset, int length, Action<Span<byte>> edit)
    {
        using var file = new FileStream(image, FileMode.Open, FileAccess.ReadWrite);
        var data = new byte[length];
        file.Position = offset;
        file.ReadExactly(data);
        edit(data);
        file.Position = offset;
        file.Write(data);
    }

    public static void Checksum(Span<byte> data, int crcOffset) => XfsChecksum.Write(data, crcOffset);

    /// <summary>The byte offset of an inode, from the superblock's geometry.</summary>
    public static async Task<long> InodeOffsetAsync(string image, ulong inode)
    {
        await using var source = FileBlockSource.Open(image);
        var first = new byte[XfsSuperblock.MaxSectorSize];
        await source.ReadAtAsync(0, first);
        var superblock = XfsSuperblock.Parse(first, source.Length);
        return new XfsVolume(source, superblock).InodeOffset(inode);
    }
}

using System.Buffers.Binary;
using Vmie.Disks.Vhd;

namespace Vmie.Disks.Tests.Vhd;

/// <summary>Byte surgery on VHD files for the hostile-input tests: edits a structure and re-seals its checksum.</summary>
internal static class VhdFixture
{
    public const int FooterChecksumOffset = 64;
    public const int HeaderChecksumOffset = 36;

    /// <summary>Edits both footers (the copy at 0 of a dynamic disk too) and fixes their checksums.</summary>
    public static void EditFooters(string path, Action<byte[]> edit, bool dynamic = true)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        var footer = ReadAt(file, file.Length - 512, 512);
        edit(footer);
        Seal(footer, FooterChecksumOffset);
        WriteAt(file, file.Length - 512, footer);
        if (dynamic)
        {
            WriteAt(file, 0, footer);
        }
    }

    /// <summary>Edits the dynamic disk header (at 512, where qemu and vmie put it) and fixes its checksum.</summary>
    public static void EditHeader(string path, Action<byte[]> edit)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        var header = ReadAt(file, 512, 1024);
        edit(header);
        Seal(header, HeaderChecksumOffset);
        WriteAt(file, 512, header);
    }

    public static long TableOffset(string path)
    {
        using var file = File.OpenRead(path);
        return (long)BinaryPrimitives.ReadUInt64BigEndian(ReadAt(file, 512 + 16, 8));
    }

    public static uint ReadTableEntry(string path, int index)
    {
        var offset = TableOffset(path);
        using var file = File.OpenRead(path);
        return BinaryPrimitives.ReadUInt32BigEndian(ReadAt(file, offset + (4 * index), 4));
    }

    public static void WriteTableEntry(string path, int index, uint value)
    {
        var offset = TableOffset(path);
        using var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        WriteAt(file, offset + (4 * index), bytes);
    }

    public static void Patch(string path, long offset, params byte[] bytes)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        WriteAt(file, offset, bytes);
    }

    private static void Seal(byte[] structure, int checksumOffset) =>
        BinaryPrimitives.WriteUInt32BigEndian(structure.AsSpan(checksumOffset), VhdChecksum.Compute(structure, checksumOffset));

    private static byte[] ReadAt(FileStream file, long offset, int count)
    {
        var bytes = new byte[count];
        file.Position = offset;
        file.ReadExactly(bytes);
        return bytes;
    }

    private static void WriteAt(FileStream file, long offset, byte[] bytes)
    {
        file.Position = offset;
        file.Write(bytes);
    }
}

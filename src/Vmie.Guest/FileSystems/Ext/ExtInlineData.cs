using System.Buffers.Binary;

namespace Vmie.Guest.FileSystems.Ext;

/// <summary>
/// Data stored inside the inode (ext4 disk layout, "Inline Data"): the first 60 bytes in i_block, the rest
/// in the value of the in-inode extended attribute "system.data" (name index 7, "Extended Attributes": a
/// 0xEA020000 magic, then 16-byte entries e_name_len/e_name_index/e_value_offs/e_value_inum/e_value_size/
/// e_hash followed by the name padded to 4 bytes, values addressed from the first entry).
/// </summary>
internal static class ExtInlineData
{
    private const uint XattrMagic = 0xEA020000;
    private const byte SystemNameIndex = 7;

    /// <summary>The value of system.data (empty when absent): the inline bytes beyond i_block's 60.</summary>
    public static ReadOnlyMemory<byte> Continuation(ExtInode inode)
    {
        var area = inode.ExtraArea;
        if (area.Length < 4 || BinaryPrimitives.ReadUInt32LittleEndian(area) != XattrMagic)
        {
            return ReadOnlyMemory<byte>.Empty;
        }

        var entries = area.AsMemory(4);
        var span = entries.Span;
        var position = 0;
        while (position + 16 <= span.Length && BinaryPrimitives.ReadUInt32LittleEndian(span[position..]) != 0)
        {
            int nameLength = span[position];
            var nameIndex = span[position + 1];
            int valueOffset = BinaryPrimitives.ReadUInt16LittleEndian(span[(position + 2)..]);
            var valueInode = BinaryPrimitives.ReadUInt32LittleEndian(span[(position + 4)..]);
            var valueSize = BinaryPrimitives.ReadUInt32LittleEndian(span[(position + 8)..]);
            if (position + 16 + nameLength > span.Length)
            {
                throw new CorruptFileSystemException($"ext inode {inode.Number}: an extended attribute name runs past the inode.");
            }

            if (nameIndex == SystemNameIndex && span.Slice(position + 16, nameLength).SequenceEqual("data"u8))
            {
                if (valueInode != 0)
                {
                    throw new ExtFeatureNotSupportedException($"ext inode {inode.Number}: inline data kept in an extended attribute inode is not supported.");
                }

                if (valueSize > (uint)span.Length || valueOffset + (int)valueSize > span.Length)
                {
                    throw new CorruptFileSystemException($"ext inode {inode.Number}: the system.data attribute value runs past the inode.");
                }

                return entries.Slice(valueOffset, (int)valueSize);
            }

            position += (16 + nameLength + 3) & ~3;
        }

        return ReadOnlyMemory<byte>.Empty;
    }

    /// <summary>All inline bytes of a file or link, exactly its size.</summary>
    public static byte[] Content(ExtInode inode)
    {
        var continuation = Continuation(inode).Span;
        var total = ExtInode.BlockAreaSize + continuation.Length;
        if (inode.Size > total)
        {
            throw new CorruptFileSystemException($"ext inode {inode.Number}: {inode.Size} bytes of inline data, but the inode holds only {total}.");
        }

        var content = new byte[inode.Size];
        var head = Math.Min(content.Length, ExtInode.BlockAreaSize);
        inode.BlockArea.AsSpan(0, head).CopyTo(content);
        continuation[..(content.Length - head)].CopyTo(content.AsSpan(head));
        return content;
    }
}

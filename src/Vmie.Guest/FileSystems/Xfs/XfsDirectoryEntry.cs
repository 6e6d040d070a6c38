using System.Buffers.Binary;

namespace Vmie.Guest.FileSystems.Xfs;

/// <summary>
/// A name in an XFS directory and the inode it names, parsed from the two places names live (XFS Algorithms
/// and Data Structures, "Directories"): the short-form list inside the inode, and the data area of directory
/// blocks ("XD2B"/"XDB3" single-block directories, "XD2D"/"XDD3" data blocks of leaf and node directories).
/// "." and ".." are never returned.
/// </summary>
internal readonly record struct XfsDirectoryEntry(byte[] Name, ulong Inode)
{
    private const uint BlockMagicV4 = 0x58443242; // "XD2B"
    private const uint BlockMagicV5 = 0x58444233; // "XDB3"
    private const uint DataMagicV4 = 0x58443244; // "XD2D"
    private const uint DataMagicV5 = 0x58444433; // "XDD3"
    private const int HeaderV4 = 16;
    private const int HeaderV5 = 64;
    private const int CrcOffsetV5 = 4;
    private const int OwnerOffsetV5 = 40;
    private const ushort FreeTag = 0xFFFF;

    /// <summary>Short form: count, count of 8-byte inode numbers, the parent, then (length, offset, name, [type], inode) for each entry.</summary>
    public static void ParseShortForm(ReadOnlySpan<byte> fork, long size, bool hasFileType, ulong directory, List<XfsDirectoryEntry> entries)
    {
        if (size < 6 || size > fork.Length)
        {
            throw new CorruptFileSystemException($"XFS directory {directory}: a short-form directory of {size} bytes in a {fork.Length}-byte fork.");
        }

        var data = fork[..(int)size];
        int count = data[0];
        var inodeSize = data[1] == 0 ? 4 : 8;
        var position = 2 + inodeSize;
        for (var i = 0; i < count; i++)
        {
            if (position + 3 > data.Length)
            {
                throw new CorruptFileSystemException($"XFS directory {directory}: short-form entry {i} lies beyond the directory's {size} bytes.");
            }

            int length = data[position];
            var entrySize = 3 + length + (hasFileType ? 1 : 0) + inodeSize;
            if (length == 0 || position + entrySize > data.Length)
            {
                throw new CorruptFileSystemException($"XFS directory {directory}: short-form entry {i} ({length}-byte name) does not fit the directory's {size} bytes.");
            }

            var name = data.Slice(position + 3, length);
            var inodeField = data[(position + entrySize - inodeSize)..];
            var inode = inodeSize == 4 ? BinaryPrimitives.ReadUInt32BigEndian(inodeField) : BinaryPrimitives.ReadUInt64BigEndian(inodeField);
            entries.Add(Checked(name, inode & ((1UL << 56) - 1), directory));
            position += entrySize;
        }
    }

    /// <summary>One directory block of <paramref name="block"/>.Length bytes (sb_dirblklog file system blocks).</summary>
    public static void ParseBlock(ReadOnlySpan<byte> block, XfsSuperblock superblock, ulong directory, List<XfsDirectoryEntry> entries)
    {
        var magic = BinaryPrimitives.ReadUInt32BigEndian(block);
        var isSingleBlock = magic == (superblock.HasCrc ? BlockMagicV5 : BlockMagicV4);
        if (!isSingleBlock && magic != (superblock.HasCrc ? DataMagicV5 : DataMagicV4))
        {
            throw new CorruptFileSystemException($"XFS directory {directory}: a data block has bad magic 0x{magic:x8}.");
        }

        var header = HeaderV4;
        if (superblock.HasCrc)
        {
            header = HeaderV5;
            if (!XfsChecksum.IsValid(block, CrcOffsetV5))
            {
                throw new CorruptFileSystemException($"XFS directory {directory}: data block checksum mismatch.");
            }

            var owner = BinaryPrimitives.ReadUInt64BigEndian(block[OwnerOffsetV5..]);
            if (owner != directory)
            {
                throw new CorruptFileSystemException($"XFS directory {directory}: a data block belongs to inode {owner}.");
            }
        }

        var end = block.Length;
        if (isSingleBlock)
        {
            // The tail: the hash-sorted leaf entries (8 bytes each), then their count and stale count.
            var leafCount = BinaryPrimitives.ReadUInt32BigEndian(block[^8..]);
            if (leafCount > (uint)((block.Length - header - 8) / 8))
            {
                throw new CorruptFileSystemException($"XFS directory {directory}: {leafCount} leaf entries do not fit its block.");
            }

            end = block.Length - 8 - ((int)leafCount * 8);
        }

        var position = header;
        while (position < end)
        {
            if (end - position < 8)
            {
                throw new CorruptFileSystemException($"XFS directory {directory}: a data entry at byte {position} runs past its area.");
            }

            if (BinaryPrimitives.ReadUInt16BigEndian(block[position..]) == FreeTag)
            {
                int free = BinaryPrimitives.ReadUInt16BigEndian(block[(position + 2)..]);
                if (free < 8 || free % 8 != 0 || free > end - position)
                {
                    throw new CorruptFileSystemException($"XFS directory {directory}: free space of {free} bytes at byte {position}.");
                }

                position += free;
                continue;
            }

            int length = block[position + 8];
            var size = (8 + 1 + length + (superblock.HasFileType ? 1 : 0) + 2 + 7) & ~7;
            if (length == 0 || size > end - position)
            {
                throw new CorruptFileSystemException($"XFS directory {directory}: a {length}-byte name at byte {position} runs past its area.");
            }

            var name = block.Slice(position + 9, length);
            if (!name.SequenceEqual("."u8) && !name.SequenceEqual(".."u8))
            {
                entries.Add(Checked(name, BinaryPrimitives.ReadUInt64BigEndian(block[position..]), directory));
            }

            position += size;
        }
    }

    private static XfsDirectoryEntry Checked(ReadOnlySpan<byte> name, ulong inode, ulong directory)
    {
        if (name.IndexOfAny((byte)0, (byte)'/') >= 0)
        {
            throw new CorruptFileSystemException($"XFS directory {directory}: a name holds a NUL or '/'.");
        }

        return new XfsDirectoryEntry(name.ToArray(), inode);
    }
}

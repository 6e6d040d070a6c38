using System.Buffers.Binary;

namespace Vmie.Guest.FileSystems.Ext;

/// <summary>
/// One raw directory entry (ext4 disk layout, "Directory Entries": inode u32, rec_len u16, name_len u8 and
/// file_type u8 — or name_len u16 without the filetype feature — then the name). Entries of inode 0 (free
/// space, htree node headers, checksum tails) are skipped by <see cref="ParseRegion"/>; "." and ".." too.
/// </summary>
internal readonly record struct ExtDirectoryEntry(uint Inode, byte[] Name, byte FileType)
{
    private const int HeaderSize = 8;

    /// <summary>Appends the entries of one directory block (or inline region) to <paramref name="entries"/>.</summary>
    public static void ParseRegion(ReadOnlySpan<byte> region, ExtSuperblock sb, uint directory, List<ExtDirectoryEntry> entries)
    {
        var hasFileType = sb.Incompat.HasFlag(ExtIncompatFeatures.FileType);
        var position = 0;
        while (position < region.Length)
        {
            if (region.Length - position < HeaderSize)
            {
                throw new CorruptFileSystemException($"ext directory {directory}: an entry header crosses the end of its block at byte {position}.");
            }

            var entry = region[position..];
            var inode = BinaryPrimitives.ReadUInt32LittleEndian(entry);
            int recordLength = BinaryPrimitives.ReadUInt16LittleEndian(entry[4..]);
            if (sb.BlockSize == 65536 && region.Length == 65536 && (recordLength == 65535 || recordLength == 0))
            {
                // A 64 KiB record does not fit 16 bits; ext4 stores it as 65535 (or 0).
                recordLength = 65536;
            }

            int nameLength = hasFileType ? entry[6] : BinaryPrimitives.ReadUInt16LittleEndian(entry[6..]);
            if (recordLength < HeaderSize || recordLength % 4 != 0 || recordLength > region.Length - position || HeaderSize + nameLength > recordLength)
            {
                throw new CorruptFileSystemException(
                    $"ext directory {directory}: entry at byte {position} has record length {recordLength} (name {nameLength} bytes) in a {region.Length}-byte block.");
            }

            if (inode != 0)
            {
                if (inode > sb.InodesCount)
                {
                    throw new CorruptFileSystemException($"ext directory {directory}: an entry names inode {inode}, beyond the {sb.InodesCount} inodes.");
                }

                var name = entry.Slice(HeaderSize, nameLength);
                if (nameLength == 0)
                {
                    throw new CorruptFileSystemException($"ext directory {directory}: an entry for inode {inode} has an empty name.");
                }

                if (!name.SequenceEqual("."u8) && !name.SequenceEqual(".."u8))
                {
                    entries.Add(new ExtDirectoryEntry(inode, name.ToArray(), hasFileType ? entry[7] : (byte)0));
                }
            }

            position += recordLength;
        }
    }
}

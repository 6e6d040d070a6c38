using System.Buffers.Binary;
using System.Text;

namespace Vmie.Guest.Windows.Registry;

/// <summary>
/// A key node cell, signature "nk" (Windows registry file format, "Key node"): flags, last written time,
/// subkey count and list, value count and list, class name and the key name, which is Latin-1 when the
/// KEY_COMP_NAME flag (0x0020) is set and UTF-16LE otherwise. The name starts at byte 76.
/// </summary>
internal sealed class KeyNode
{
    private const int HeaderSize = 76;
    private const ushort CompressedName = 0x0020;

    private KeyNode()
    {
    }

    public uint Offset { get; private init; }

    public string Name { get; private init; } = "";

    public ushort Flags { get; private init; }

    public DateTimeOffset? LastWritten { get; private init; }

    public uint SubkeyCount { get; private init; }

    public uint SubkeyListOffset { get; private init; }

    public uint ValueCount { get; private init; }

    public uint ValueListOffset { get; private init; }

    public uint ClassOffset { get; private init; }

    public ushort ClassLength { get; private init; }

    public static async ValueTask<KeyNode> ReadAsync(HiveCells cells, uint offset, CancellationToken cancellationToken)
    {
        var cell = await cells.ReadCellAsync(offset, "key node", cancellationToken).ConfigureAwait(false);
        return Parse(offset, cell);
    }

    public static KeyNode Parse(uint offset, ReadOnlySpan<byte> cell)
    {
        if (cell.Length < HeaderSize || !cell[..2].SequenceEqual("nk"u8))
        {
            throw new CorruptHiveException($"The cell at 0x{offset:x} should be a key node (\"nk\") and is not.");
        }

        var flags = BinaryPrimitives.ReadUInt16LittleEndian(cell[2..]);
        var nameLength = BinaryPrimitives.ReadUInt16LittleEndian(cell[72..]);
        if (HeaderSize + nameLength > cell.Length)
        {
            throw new CorruptHiveException($"The key node at 0x{offset:x} declares a {nameLength}-byte name; its cell holds {cell.Length - HeaderSize}.");
        }

        var nameBytes = cell.Slice(HeaderSize, nameLength);
        return new KeyNode
        {
            Offset = offset,
            Flags = flags,
            Name = DecodeName(nameBytes, (flags & CompressedName) != 0, offset),
            LastWritten = HiveBaseBlock.FileTime(BinaryPrimitives.ReadInt64LittleEndian(cell[4..])),
            SubkeyCount = BinaryPrimitives.ReadUInt32LittleEndian(cell[20..]),
            SubkeyListOffset = BinaryPrimitives.ReadUInt32LittleEndian(cell[28..]),
            ValueCount = BinaryPrimitives.ReadUInt32LittleEndian(cell[36..]),
            ValueListOffset = BinaryPrimitives.ReadUInt32LittleEndian(cell[40..]),
            ClassOffset = BinaryPrimitives.ReadUInt32LittleEndian(cell[48..]),
            ClassLength = BinaryPrimitives.ReadUInt16LittleEndian(cell[74..]),
        };
    }

    /// <summary>A key or value name: Latin-1 when compressed (one byte a character), UTF-16LE otherwise.</summary>
    public static string DecodeName(ReadOnlySpan<byte> bytes, bool compressed, uint offset)
    {
        if (compressed)
        {
            return Encoding.Latin1.GetString(bytes);
        }

        if (bytes.Length % 2 != 0)
        {
            throw new CorruptHiveException($"The UTF-16 name of the cell at 0x{offset:x} has an odd length {bytes.Length}.");
        }

        return Encoding.Unicode.GetString(bytes);
    }
}

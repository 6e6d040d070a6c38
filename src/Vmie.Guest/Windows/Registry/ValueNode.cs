using System.Buffers.Binary;

namespace Vmie.Guest.Windows.Registry;

/// <summary>
/// A value cell, signature "vk" (Windows registry file format, "Key value"): name, data type and data size.
/// When the size's top bit is set the data (at most 4 bytes) sits in the data offset field itself;
/// otherwise the field is the offset of a cell holding the data, or of a "db" big data cell.
/// The name starts at byte 20 and is Latin-1 when flag 0x0001 is set; an empty name is the default value.
/// </summary>
internal sealed class ValueNode
{
    private const int HeaderSize = 20;
    private const ushort CompressedName = 0x0001;
    private const uint InlineBit = 0x80000000;

    private ValueNode()
    {
    }

    public uint Offset { get; private init; }

    public string Name { get; private init; } = "";

    public RegistryValueKind Kind { get; private init; }

    public uint DataLength { get; private init; }

    public bool IsInline { get; private init; }

    /// <summary>The data offset field: a cell offset, or the data itself when <see cref="IsInline"/>.</summary>
    public uint DataField { get; private init; }

    public static async ValueTask<ValueNode> ReadAsync(HiveCells cells, uint offset, CancellationToken cancellationToken)
    {
        var cell = await cells.ReadCellAsync(offset, "value", cancellationToken).ConfigureAwait(false);
        return Parse(offset, cell);
    }

    public static ValueNode Parse(uint offset, ReadOnlySpan<byte> cell)
    {
        if (cell.Length < HeaderSize || !cell[..2].SequenceEqual("vk"u8))
        {
            throw new CorruptHiveException($"The cell at 0x{offset:x} should be a value (\"vk\") and is not.");
        }

        var nameLength = BinaryPrimitives.ReadUInt16LittleEndian(cell[2..]);
        if (HeaderSize + nameLength > cell.Length)
        {
            throw new CorruptHiveException($"The value at 0x{offset:x} declares a {nameLength}-byte name; its cell holds {cell.Length - HeaderSize}.");
        }

        var size = BinaryPrimitives.ReadUInt32LittleEndian(cell[4..]);
        var isInline = (size & InlineBit) != 0;
        var length = size & ~InlineBit;
        if (isInline && length > 4)
        {
            throw new CorruptHiveException($"The value at 0x{offset:x} says its {length} bytes of data are stored inline, where only 4 fit.");
        }

        var flags = BinaryPrimitives.ReadUInt16LittleEndian(cell[16..]);
        return new ValueNode
        {
            Offset = offset,
            Name = KeyNode.DecodeName(cell.Slice(HeaderSize, nameLength), (flags & CompressedName) != 0, offset),
            Kind = (RegistryValueKind)BinaryPrimitives.ReadUInt32LittleEndian(cell[12..]),
            DataLength = length,
            IsInline = isInline,
            DataField = BinaryPrimitives.ReadUInt32LittleEndian(cell[8..]),
        };
    }
}

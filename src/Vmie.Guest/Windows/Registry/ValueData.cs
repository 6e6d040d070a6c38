using System.Buffers.Binary;

namespace Vmie.Guest.Windows.Registry;

/// <summary>
/// Loads a value's data (Windows registry file format, "Key value" and "Big data"): inline in the value
/// cell, in one data cell, or — from format 1.4 on, for more than 16344 bytes — as a "db" cell listing
/// segments of 16344 bytes each (the last one shorter).
/// </summary>
internal static class ValueData
{
    public const int SegmentBytes = 16344;

    public static async ValueTask<byte[]> ReadAsync(HiveCells cells, ValueNode value, bool hasBigData, CancellationToken cancellationToken)
    {
        if (value.IsInline)
        {
            var field = new byte[4];
            BinaryPrimitives.WriteUInt32LittleEndian(field, value.DataField);
            return field[..(int)value.DataLength];
        }

        if (value.DataLength == 0)
        {
            return [];
        }

        if (value.DataLength > HiveLimits.MaxValueDataBytes)
        {
            throw new CorruptHiveException($"The value \"{value.Name}\" at 0x{value.Offset:x} declares {value.DataLength} bytes of data, above the reader's limit of {HiveLimits.MaxValueDataBytes}.");
        }

        var length = (int)value.DataLength;
        var cell = await cells.ReadCellAsync(value.DataField, "value data", cancellationToken).ConfigureAwait(false);
        if (hasBigData && length > SegmentBytes && cell.Length >= 8 && cell.AsSpan(0, 2).SequenceEqual("db"u8))
        {
            return await ReadBigDataAsync(cells, value, cell, length, cancellationToken).ConfigureAwait(false);
        }

        if (cell.Length < length)
        {
            throw new CorruptHiveException($"The value \"{value.Name}\" at 0x{value.Offset:x} declares {length} bytes of data; its data cell holds {cell.Length}.");
        }

        return cell.Length == length ? cell : cell[..length];
    }

    private static async ValueTask<byte[]> ReadBigDataAsync(HiveCells cells, ValueNode value, byte[] header, int length, CancellationToken cancellationToken)
    {
        var segments = BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(2));
        var needed = (length + SegmentBytes - 1) / SegmentBytes;
        if (segments < needed)
        {
            throw new CorruptHiveException($"The big data of value \"{value.Name}\" lists {segments} segments; {length} bytes need {needed}.");
        }

        var listOffset = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(4));
        var list = await cells.ReadCellAsync(listOffset, "big data segment list", cancellationToken).ConfigureAwait(false);
        if (list.Length < needed * 4)
        {
            throw new CorruptHiveException($"The big data segment list of value \"{value.Name}\" holds {list.Length / 4} entries; {needed} are needed.");
        }

        var data = new byte[length];
        var filled = 0;
        for (var i = 0; i < needed; i++)
        {
            var segmentOffset = BinaryPrimitives.ReadUInt32LittleEndian(list.AsSpan(i * 4));
            var segment = await cells.ReadCellAsync(segmentOffset, "big data segment", cancellationToken).ConfigureAwait(false);
            var count = Math.Min(SegmentBytes, length - filled);
            if (segment.Length < count)
            {
                throw new CorruptHiveException($"Big data segment {i} of value \"{value.Name}\" holds {segment.Length} bytes; {count} are needed.");
            }

            segment.AsSpan(0, count).CopyTo(data.AsSpan(filled));
            filled += count;
        }

        return data;
    }
}

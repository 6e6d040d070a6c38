using System.Buffers.Binary;

namespace Vmie.Guest.FileSystems.Ntfs;

/// <summary>
/// The update sequence array of multi-sector records (FILE, INDX): the last two bytes of every 512-byte
/// stride hold the update sequence number, and the array (offset at 0x04, count at 0x06, count = 1 + strides)
/// keeps the bytes they replaced. A stride whose number differs was torn or damaged.
/// </summary>
internal static class NtfsFixup
{
    private const int Stride = 512;

    public static void Apply(Span<byte> record, ReadOnlySpan<byte> magic, string what)
    {
        if (!record[..4].SequenceEqual(magic))
        {
            throw new CorruptFileSystemException($"NTFS {what}: no \"{System.Text.Encoding.ASCII.GetString(magic)}\" signature.");
        }

        int arrayOffset = BinaryPrimitives.ReadUInt16LittleEndian(record[4..]);
        int count = BinaryPrimitives.ReadUInt16LittleEndian(record[6..]);
        if (count != (record.Length / Stride) + 1 || arrayOffset < 8 || arrayOffset % 2 != 0 || arrayOffset + (2 * count) > Stride - 2)
        {
            throw new CorruptFileSystemException($"NTFS {what}: update sequence array at {arrayOffset} with {count} entries does not fit a {record.Length}-byte record.");
        }

        var sequence = BinaryPrimitives.ReadUInt16LittleEndian(record[arrayOffset..]);
        for (var i = 1; i < count; i++)
        {
            var end = record.Slice((i * Stride) - 2, 2);
            if (BinaryPrimitives.ReadUInt16LittleEndian(end) != sequence)
            {
                throw new CorruptFileSystemException($"NTFS {what}: sector {i - 1} fails its update sequence check (torn or damaged write).");
            }

            record.Slice(arrayOffset + (2 * i), 2).CopyTo(end);
        }
    }
}

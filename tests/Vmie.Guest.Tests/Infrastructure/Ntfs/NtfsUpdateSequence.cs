using System.Buffers.Binary;

namespace Vmie.Guest.Tests.Infrastructure.Ntfs;

/// <summary>
/// Protects a multi-sector record (FILE, INDX) with its update sequence array before it is written: the last two
/// bytes of every 512-byte stride move into the array (at <c>arrayOffset</c>, after the sequence number) and are
/// replaced by the sequence number, so a torn write is detectable (NTFS documentation, "Fixup"/update sequence).
/// </summary>
internal static class NtfsUpdateSequence
{
    public const int Stride = 512;

    /// <summary>Entries of the array for a record of <paramref name="recordSize"/> bytes: the number, then one per stride.</summary>
    public static int Count(int recordSize) => (recordSize / Stride) + 1;

    public static void Protect(Span<byte> record, int arrayOffset, ushort sequenceNumber)
    {
        var count = Count(record.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(record[4..], (ushort)arrayOffset);
        BinaryPrimitives.WriteUInt16LittleEndian(record[6..], (ushort)count);
        BinaryPrimitives.WriteUInt16LittleEndian(record[arrayOffset..], sequenceNumber);
        for (var i = 1; i < count; i++)
        {
            var end = record.Slice((i * Stride) - 2, 2);
            end.CopyTo(record.Slice(arrayOffset + (2 * i), 2));
            BinaryPrimitives.WriteUInt16LittleEndian(end, sequenceNumber);
        }
    }
}

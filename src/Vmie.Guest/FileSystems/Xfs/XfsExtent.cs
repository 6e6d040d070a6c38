using System.Buffers.Binary;

namespace Vmie.Guest.FileSystems.Xfs;

/// <summary>
/// A packed 128-bit extent record (XFS Algorithms and Data Structures, "Data Extents"): bit 127 the
/// unwritten flag, 54 bits of file offset, 52 bits of file system block number, 21 bits of length, in blocks.
/// </summary>
internal readonly record struct XfsExtent(ulong FileOffset, ulong StartBlock, ulong Count, bool Unwritten)
{
    public const int Size = 16;

    public ulong End => FileOffset + Count;

    public static XfsExtent Parse(ReadOnlySpan<byte> record)
    {
        var high = BinaryPrimitives.ReadUInt64BigEndian(record);
        var low = BinaryPrimitives.ReadUInt64BigEndian(record[8..]);
        return new XfsExtent(
            FileOffset: (high >> 9) & ((1UL << 54) - 1),
            StartBlock: ((high & 0x1FF) << 43) | (low >> 21),
            Count: low & 0x1FFFFF,
            Unwritten: (high >> 63) != 0);
    }
}

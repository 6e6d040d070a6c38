using System.Buffers.Binary;

namespace Vmie.Guest.FileSystems.Btrfs;

/// <summary>
/// A B-tree key (Btrfs on-disk format, "btrfs_disk_key"): object id, item type, offset; 17 bytes,
/// little-endian, ordered by the three fields in turn.
/// </summary>
internal readonly record struct BtrfsKey(ulong ObjectId, byte Type, ulong Offset) : IComparable<BtrfsKey>
{
    public const int Size = 17;

    // Item types used by this reader (values of the on-disk format).
    public const byte InodeItem = 1;
    public const byte InodeRef = 12;
    public const byte DirItem = 84;
    public const byte DirIndex = 96;
    public const byte ExtentData = 108;
    public const byte RootItem = 132;
    public const byte RootRef = 156;
    public const byte ChunkItem = 228;

    public static BtrfsKey Read(ReadOnlySpan<byte> data) =>
        new(BinaryPrimitives.ReadUInt64LittleEndian(data), data[8], BinaryPrimitives.ReadUInt64LittleEndian(data[9..]));

    /// <summary>The first and last keys of one object's items of one type.</summary>
    public static (BtrfsKey From, BtrfsKey To) Span(ulong objectId, byte type) => (new(objectId, type, 0), new(objectId, type, ulong.MaxValue));

    public static bool operator <(BtrfsKey left, BtrfsKey right) => left.CompareTo(right) < 0;

    public static bool operator >(BtrfsKey left, BtrfsKey right) => left.CompareTo(right) > 0;

    public static bool operator <=(BtrfsKey left, BtrfsKey right) => left.CompareTo(right) <= 0;

    public static bool operator >=(BtrfsKey left, BtrfsKey right) => left.CompareTo(right) >= 0;

    public int CompareTo(BtrfsKey other)
    {
        var byObject = ObjectId.CompareTo(other.ObjectId);
        if (byObject != 0)
        {
            return byObject;
        }

        var byType = Type.CompareTo(other.Type);
        return byType != 0 ? byType : Offset.CompareTo(other.Offset);
    }

    public override string ToString() => $"({ObjectId} {Type} {Offset})";
}

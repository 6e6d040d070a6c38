using System.Buffers.Binary;
using System.Text;

namespace Vmie.Guest.Tests.Infrastructure.Ntfs;

/// <summary>
/// The tables NTFS keeps as files: $UpCase (65536 UTF-16 units, each character's upper case; names collate by
/// comparing upcased units) and $AttrDef (0xA0-byte records: name, type 0x80, display rule 0x84, collation rule
/// 0x88, flags 0x8C — 0x02 indexed, 0x40 always resident, 0x80 may be non-resident — minimum and maximum size
/// 0x90, 0x98; the values NTFS 3.1 volumes carry), closed by an all-zero record.
/// </summary>
internal static class NtfsSystemTables
{
    public const int AttrDefRecordSize = 0xA0;

    private static readonly char[] UpCase = BuildUpCase();

    private static readonly (string Name, uint Type, uint Collation, uint Flags, long Min, long Max)[] Definitions =
    [
        ("$STANDARD_INFORMATION", 0x10, 0, 0x40, 0x30, 0x48),
        ("$ATTRIBUTE_LIST", 0x20, 0, 0x80, 0, -1),
        ("$FILE_NAME", 0x30, 1, 0x42, 0x44, 0x242),
        ("$OBJECT_ID", 0x40, 0, 0x40, 0, 0x100),
        ("$SECURITY_DESCRIPTOR", 0x50, 0, 0x80, 0, -1),
        ("$VOLUME_NAME", 0x60, 0, 0x40, 2, 0x100),
        ("$VOLUME_INFORMATION", 0x70, 0, 0x40, 0xC, 0xC),
        ("$DATA", 0x80, 0, 0, 0, -1),
        ("$INDEX_ROOT", 0x90, 0, 0x40, 0, -1),
        ("$INDEX_ALLOCATION", 0xA0, 0, 0x80, 0, -1),
        ("$BITMAP", 0xB0, 0, 0x80, 0, -1),
        ("$REPARSE_POINT", 0xC0, 0, 0x80, 0, 0x4000),
        ("$EA_INFORMATION", 0xD0, 0, 0x40, 8, 8),
        ("$EA", 0xE0, 0, 0, 0, 0x10000),
        ("$LOGGED_UTILITY_STREAM", 0x100, 0, 0x80, 0, 0x10000),
    ];

    public static byte[] UpCaseTable()
    {
        var bytes = new byte[UpCase.Length * 2];
        for (var i = 0; i < UpCase.Length; i++)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(2 * i), UpCase[i]);
        }

        return bytes;
    }

    /// <summary>Orders names as the $I30 file name collation does with this volume's $UpCase.</summary>
    public static int CompareNames(string left, string right)
    {
        var common = Math.Min(left.Length, right.Length);
        for (var i = 0; i < common; i++)
        {
            var difference = UpCase[left[i]] - UpCase[right[i]];
            if (difference != 0)
            {
                return difference;
            }
        }

        return left.Length - right.Length;
    }

    public static byte[] AttrDef()
    {
        var table = new byte[(Definitions.Length + 1) * AttrDefRecordSize];
        for (var i = 0; i < Definitions.Length; i++)
        {
            var (name, type, collation, flags, min, max) = Definitions[i];
            var record = table.AsSpan(i * AttrDefRecordSize, AttrDefRecordSize);
            Encoding.Unicode.GetBytes(name, record);
            BinaryPrimitives.WriteUInt32LittleEndian(record[0x80..], type);
            BinaryPrimitives.WriteUInt32LittleEndian(record[0x88..], collation);
            BinaryPrimitives.WriteUInt32LittleEndian(record[0x8C..], flags);
            BinaryPrimitives.WriteInt64LittleEndian(record[0x90..], min);
            BinaryPrimitives.WriteInt64LittleEndian(record[0x98..], max);
        }

        return table;
    }

    /// <summary>Simple upper-case mappings within the BMP; surrogates and characters without one map to themselves.</summary>
    private static char[] BuildUpCase()
    {
        var table = new char[65536];
        for (var i = 0; i < table.Length; i++)
        {
            var c = (char)i;
            table[i] = char.IsSurrogate(c) ? c : char.ToUpperInvariant(c);
        }

        return table;
    }
}

using System.Buffers.Binary;

namespace Vmie.Guest.FileSystems.Ntfs;

/// <summary>
/// The volume's $UpCase table (MFT record 10: 65536 UTF-16 units, each character's upper case). NTFS orders
/// and matches file names by comparing their upcased units, so lookups use the table the volume was built with.
/// </summary>
internal sealed class NtfsUpCase
{
    public const int TableBytes = 65536 * 2;

    private readonly char[] _table;

    public NtfsUpCase(ReadOnlySpan<byte> table)
    {
        if (table.Length != TableBytes)
        {
            throw new CorruptFileSystemException($"NTFS $UpCase holds {table.Length} bytes, not {TableBytes}.");
        }

        _table = new char[65536];
        for (var i = 0; i < _table.Length; i++)
        {
            _table[i] = (char)BinaryPrimitives.ReadUInt16LittleEndian(table[(2 * i)..]);
        }
    }

    /// <summary>Orders two names as the $I30 file name collation does.</summary>
    public int Compare(ReadOnlySpan<char> left, ReadOnlySpan<char> right)
    {
        var common = Math.Min(left.Length, right.Length);
        for (var i = 0; i < common; i++)
        {
            var difference = _table[left[i]] - _table[right[i]];
            if (difference != 0)
            {
                return difference;
            }
        }

        return left.Length - right.Length;
    }
}

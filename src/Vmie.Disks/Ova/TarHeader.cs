using System.Text;
using Vmie.Disks.Abstractions;

namespace Vmie.Disks.Ova;

/// <summary>
/// One 512-byte tar header block (POSIX.1-1988 ustar layout, which GNU tar shares for the fields read here):
/// name[100]@0, size[12]@124, chksum[8]@148, typeflag@156, magic[6]@257, prefix[155]@345 (POSIX ustar only).
/// Numeric fields are octal text, or base-256 (GNU/star extension: high bit of the first byte set) when a
/// value does not fit.
/// </summary>
internal readonly record struct TarHeader(string Name, long Size, byte TypeFlag)
{
    public const int BlockSize = 512;

    // Type flags (POSIX.1 ustar, POSIX.1-2001 pax, GNU extensions).
    public const byte RegularFile = (byte)'0';
    public const byte OldRegularFile = 0;
    public const byte ContiguousFile = (byte)'7';
    public const byte PaxExtended = (byte)'x';
    public const byte PaxGlobal = (byte)'g';
    public const byte GnuLongName = (byte)'L';
    public const byte GnuLongLinkName = (byte)'K';
    public const byte GnuSparse = (byte)'S';

    public bool IsRegularFile => TypeFlag is RegularFile or OldRegularFile or ContiguousFile;

    public static bool IsZeroBlock(ReadOnlySpan<byte> block) => !block.ContainsAnyExcept((byte)0);

    /// <summary>Parses a header block at <paramref name="position"/>; a bad checksum or number is an error naming the position.</summary>
    public static TarHeader Parse(ReadOnlySpan<byte> block, long position)
    {
        if (!ChecksumMatches(block))
        {
            throw new InvalidDiskImageException($"The OVA's tar header at byte {position} has a bad checksum; the archive is damaged or not a tar file.");
        }

        var size = ParseNumber(block.Slice(124, 12), position, "size");
        var typeFlag = block[156];
        var name = CString(block[..100]);

        // Only POSIX ustar ("ustar\0") has a prefix field; GNU's "ustar  \0" keeps other data there.
        if (block.Slice(257, 6).SequenceEqual("ustar\0"u8))
        {
            var prefix = CString(block.Slice(345, 155));
            if (prefix.Length > 0)
            {
                name = prefix + "/" + name;
            }
        }

        return new TarHeader(name, size, typeFlag);
    }

    /// <summary>The checksum is the sum of the header's bytes with the checksum field counted as spaces (some old tars summed signed bytes).</summary>
    private static bool ChecksumMatches(ReadOnlySpan<byte> block)
    {
        long stored;
        try
        {
            stored = ParseOctal(block.Slice(148, 8), allowEmpty: false);
        }
        catch (FormatException)
        {
            return false;
        }

        long unsignedSum = 0;
        long signedSum = 0;
        for (var i = 0; i < BlockSize; i++)
        {
            var b = i is >= 148 and < 156 ? (byte)' ' : block[i];
            unsignedSum += b;
            signedSum += (sbyte)b;
        }

        return stored == unsignedSum || stored == signedSum;
    }

    private static long ParseNumber(ReadOnlySpan<byte> field, long position, string what)
    {
        if ((field[0] & 0x80) != 0)
        {
            // Base-256: a two's-complement big-endian number in the remaining bits; negative sizes are nonsense.
            if (field[0] != 0x80 || field[1..^8].ContainsAnyExcept((byte)0))
            {
                throw new InvalidDiskImageException($"The OVA's tar header at byte {position} has an impossible base-256 {what}.");
            }

            var value = System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(field[^8..]);
            if (value > long.MaxValue)
            {
                throw new InvalidDiskImageException($"The OVA's tar header at byte {position} has an impossible base-256 {what}.");
            }

            return (long)value;
        }

        try
        {
            return ParseOctal(field, allowEmpty: true);
        }
        catch (FormatException)
        {
            throw new InvalidDiskImageException($"The OVA's tar header at byte {position} has a {what} field that is not an octal number.");
        }
    }

    /// <summary>Octal digits, optionally surrounded by spaces and ended by NUL or space (an empty size field is 0).</summary>
    private static long ParseOctal(ReadOnlySpan<byte> field, bool allowEmpty)
    {
        var i = 0;
        while (i < field.Length && field[i] == (byte)' ')
        {
            i++;
        }

        long value = 0;
        var digits = 0;
        for (; i < field.Length && field[i] is >= (byte)'0' and <= (byte)'7'; i++, digits++)
        {
            // 12 octal digits hold at most 36 bits: no overflow possible within a 12-byte field.
            value = (value << 3) | (uint)(field[i] - '0');
        }

        for (; i < field.Length; i++)
        {
            if (field[i] is not 0 and not (byte)' ')
            {
                throw new FormatException();
            }
        }

        return digits == 0 && !allowEmpty ? throw new FormatException() : value;
    }

    private static string CString(ReadOnlySpan<byte> field)
    {
        var end = field.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end < 0 ? field : field[..end]);
    }
}

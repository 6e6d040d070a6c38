using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Vmie.Guest.Linux.Initramfs;

/// <summary>
/// Reads the member list of cpio archives from a forward-only stream, skipping file data (cpio(5)):
/// "newc" (magic 070701) and "crc" (070702): 110-byte header of 8-digit hex fields, name and data each padded
/// to 4 bytes; "odc" (070707): 76-byte header of octal fields, no padding; old binary (0x71C7 in either byte
/// order): 26-byte header of 16-bit words, name and data padded to 2 bytes. An archive ends with the member
/// "TRAILER!!!"; the kernel allows zero padding and further archives after it.
/// </summary>
internal sealed class CpioArchiveReader(Stream stream, long startOffset, InitramfsLimits limits, List<InitramfsEntry> entries, CancellationToken cancellationToken)
{
    private const string Trailer = "TRAILER!!!";
    private const int MaxNameBytes = 4096;

    private readonly byte[] _scratch = new byte[64 * 1024];
    private long _offset = startOffset;

    /// <summary>Bytes consumed from the stream, counted from where the caller started it.</summary>
    public long Offset => _offset;

    /// <summary>Reads one archive whose first two bytes (already read) are <paramref name="first"/>; returns at its trailer.</summary>
    public void ReadArchive(ReadOnlySpan<byte> first)
    {
        Span<byte> start = stackalloc byte[2];
        Span<byte> rest = stackalloc byte[4];
        first.CopyTo(start);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            string name;
            if ((start[0] == 0xC7 && start[1] == 0x71) || (start[0] == 0x71 && start[1] == 0xC7))
            {
                name = ReadBinaryMember(littleEndian: start[0] == 0xC7);
            }
            else
            {
                Fill(rest);
                var magic = Encoding.ASCII.GetString(start) + Encoding.ASCII.GetString(rest);
                name = magic switch
                {
                    "070701" or "070702" => ReadNewcMember(),
                    "070707" => ReadOdcMember(),
                    _ => throw new UnreadableInitramfsException($"cpio member at offset {_offset - 6}: unknown magic \"{Printable(magic)}\"."),
                };
            }

            if (name == Trailer)
            {
                return;
            }

            Fill(start);
        }
    }

    /// <summary>Skips zero padding; returns the next two bytes, or null at the end of the stream.</summary>
    public byte[]? SkipPadding()
    {
        while (true)
        {
            var value = stream.ReadByte();
            if (value < 0)
            {
                return null;
            }

            _offset++;
            if (value != 0)
            {
                var second = stream.ReadByte();
                if (second < 0)
                {
                    throw new UnreadableInitramfsException($"A stray byte at offset {_offset - 1} after a cpio archive.");
                }

                _offset++;
                return [(byte)value, (byte)second];
            }
        }
    }

    private string ReadNewcMember()
    {
        Span<byte> header = stackalloc byte[104];
        Fill(header);
        var mode = Hex(header, 1);
        var fileSize = Hex(header, 6);
        var nameSize = Hex(header, 11);
        var name = ReadName(nameSize);
        Skip(Pad(_offset, 4));
        Add(name, mode, fileSize);
        Skip(fileSize);
        Skip(Pad(_offset, 4));
        return name;
    }

    private string ReadOdcMember()
    {
        Span<byte> header = stackalloc byte[70];
        Fill(header);
        var mode = Octal(header.Slice(12, 6));
        var nameSize = Octal(header.Slice(53, 6));
        var fileSize = Octal(header.Slice(59, 11));
        var name = ReadName(nameSize);
        Add(name, (uint)mode, fileSize);
        Skip(fileSize);
        return name;
    }

    private string ReadBinaryMember(bool littleEndian)
    {
        var header = new byte[24];
        Fill(header);
        ushort Word(int index) => littleEndian ? BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(index * 2)) : BinaryPrimitives.ReadUInt16BigEndian(header.AsSpan(index * 2));

        // Words after the magic: dev, ino, mode, uid, gid, nlink, rdev, mtime (2), namesize, filesize (2, high word first).
        var mode = Word(2);
        var nameSize = Word(9);
        var fileSize = ((long)Word(10) << 16) | Word(11);
        var name = ReadName(nameSize);
        Skip(Pad(_offset, 2));
        Add(name, mode, fileSize);
        Skip(fileSize);
        Skip(Pad(_offset, 2));
        return name;
    }

    private string ReadName(long nameSize)
    {
        if (nameSize is < 1 or > MaxNameBytes)
        {
            throw new UnreadableInitramfsException($"cpio member at offset {_offset}: a name of {nameSize} bytes.");
        }

        var bytes = new byte[nameSize];
        Fill(bytes);
        var length = Array.IndexOf(bytes, (byte)0);
        return Encoding.UTF8.GetString(bytes, 0, length < 0 ? bytes.Length : length);
    }

    private void Add(string name, uint mode, long size)
    {
        var path = InitramfsContents.Normalise(name);
        if (name == Trailer || path.Length == 0 || path == ".")
        {
            return;
        }

        if (entries.Count >= limits.MaxEntries)
        {
            throw new UnreadableInitramfsException($"More than {limits.MaxEntries} members: beyond what an initramfs holds.");
        }

        entries.Add(new InitramfsEntry(path, mode, size));
    }

    private void Skip(long count)
    {
        if (count < 0 || _offset + count > limits.MaxBytes)
        {
            throw new UnreadableInitramfsException($"The archive goes beyond {limits.MaxBytes} bytes.");
        }

        while (count > 0)
        {
            var read = stream.Read(_scratch, 0, (int)Math.Min(count, _scratch.Length));
            if (read == 0)
            {
                throw new UnreadableInitramfsException($"The archive ends inside a member, at offset {_offset}.");
            }

            count -= read;
            _offset += read;
        }
    }

    private void Fill(Span<byte> buffer)
    {
        var filled = 0;
        while (filled < buffer.Length)
        {
            var read = stream.Read(buffer[filled..]);
            if (read == 0)
            {
                throw new UnreadableInitramfsException($"The archive ends inside a cpio header, at offset {_offset + filled}.");
            }

            filled += read;
        }

        _offset += buffer.Length;
    }

    private static long Pad(long offset, int alignment) => (alignment - (offset % alignment)) % alignment;

    private uint Hex(ReadOnlySpan<byte> header, int field)
    {
        var text = Encoding.ASCII.GetString(header.Slice(field * 8, 8));
        return uint.TryParse(text, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new UnreadableInitramfsException($"cpio header before offset {_offset}: \"{Printable(text)}\" is not hexadecimal.");
    }

    private long Octal(ReadOnlySpan<byte> digits)
    {
        long value = 0;
        foreach (var digit in digits)
        {
            if (digit is < (byte)'0' or > (byte)'7')
            {
                throw new UnreadableInitramfsException($"cpio header before offset {_offset}: a field is not octal.");
            }

            value = (value * 8) + (digit - '0');
        }

        return value;
    }

    private static string Printable(string text) => new([.. text.Select(c => c is >= ' ' and < (char)127 ? c : '?')]);
}

using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Vmie.Disks.Ova;

/// <summary>
/// Writes a tar stream sequentially (the output may be non-seekable): POSIX ustar headers, a pax extended
/// header ('x') carrying "path" or "size" when a name does not fit name/prefix or a size needs more than
/// 11 octal digits (8 GiB), data padded to 512 bytes, and two zero blocks at the end.
/// </summary>
internal sealed class TarStreamWriter
{
    private const int BlockSize = 512;
    private const long MaxOctalSize = (1L << 33) - 1;

    private readonly Stream _output;
    private long _pendingPadding;

    public TarStreamWriter(Stream output) => _output = output;

    /// <summary>Writes the header(s) of a regular file; the caller then writes exactly <paramref name="size"/> bytes and calls <see cref="EndMemberAsync"/>.</summary>
    public async Task BeginMemberAsync(string name, long size, DateTimeOffset modified, CancellationToken cancellationToken)
    {
        var nameBytes = Encoding.UTF8.GetBytes(name);
        var split = SplitName(nameBytes);
        var records = new StringBuilder();
        if (split is null)
        {
            records.Append(PaxRecord("path", name));
        }

        if (size > MaxOctalSize)
        {
            records.Append(PaxRecord("size", size.ToString(CultureInfo.InvariantCulture)));
        }

        if (records.Length > 0)
        {
            var data = Encoding.UTF8.GetBytes(records.ToString());
            var paxName = "PaxHeaders/" + SafeShortName(name);
            await WriteHeaderAsync(Encoding.UTF8.GetBytes(paxName), [], data.Length, (byte)'x', modified, cancellationToken).ConfigureAwait(false);
            await _output.WriteAsync(data, cancellationToken).ConfigureAwait(false);
            await PadAsync(data.Length, cancellationToken).ConfigureAwait(false);
        }

        var (headerName, prefix) = split ?? (Truncate(nameBytes, 100), []);
        await WriteHeaderAsync(headerName, prefix, size, (byte)'0', modified, cancellationToken).ConfigureAwait(false);
        _pendingPadding = Padding(size);
    }

    public Task EndMemberAsync(CancellationToken cancellationToken)
    {
        var padding = _pendingPadding;
        _pendingPadding = 0;
        return padding == 0 ? Task.CompletedTask : _output.WriteAsync(new byte[padding], cancellationToken).AsTask();
    }

    public async Task FinishAsync(CancellationToken cancellationToken)
    {
        await _output.WriteAsync(new byte[2 * BlockSize], cancellationToken).ConfigureAwait(false);
        await _output.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private Task PadAsync(long size, CancellationToken cancellationToken)
    {
        var padding = Padding(size);
        return padding == 0 ? Task.CompletedTask : _output.WriteAsync(new byte[padding], cancellationToken).AsTask();
    }

    private static long Padding(long size) => (BlockSize - (size % BlockSize)) % BlockSize;

    private async Task WriteHeaderAsync(byte[] name, byte[] prefix, long size, byte typeFlag, DateTimeOffset modified, CancellationToken cancellationToken)
    {
        var header = new byte[BlockSize];
        name.CopyTo(header, 0);
        WriteOctal(header.AsSpan(100, 8), 0b110_100_100);   // mode 0644
        WriteOctal(header.AsSpan(108, 8), 0);               // uid
        WriteOctal(header.AsSpan(116, 8), 0);               // gid
        if (size <= MaxOctalSize)
        {
            WriteOctal(header.AsSpan(124, 12), size);
        }
        else
        {
            // Base-256 too, for readers that ignore the pax size record.
            header[124] = 0x80;
            BinaryPrimitives.WriteInt64BigEndian(header.AsSpan(128, 8), size);
        }

        WriteOctal(header.AsSpan(136, 12), Math.Max(0, modified.ToUnixTimeSeconds()));
        header[156] = typeFlag;
        "ustar\0"u8.CopyTo(header.AsSpan(257));
        "00"u8.CopyTo(header.AsSpan(263));
        "root"u8.CopyTo(header.AsSpan(265));
        "root"u8.CopyTo(header.AsSpan(297));
        WriteOctal(header.AsSpan(329, 8), 0);
        WriteOctal(header.AsSpan(337, 8), 0);
        prefix.CopyTo(header, 345);

        header.AsSpan(148, 8).Fill((byte)' ');
        var sum = 0;
        foreach (var b in header)
        {
            sum += b;
        }

        // Six octal digits, NUL, space: the customary checksum layout.
        WriteOctal(header.AsSpan(148, 7), sum);
        header[155] = (byte)' ';
        await _output.WriteAsync(header, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Zero-padded octal digits filling the field but its last byte, which stays NUL.</summary>
    private static void WriteOctal(Span<byte> field, long value)
    {
        var digits = Convert.ToString(value, 8).PadLeft(field.Length - 1, '0');
        Encoding.ASCII.GetBytes(digits, field);
        field[^1] = 0;
    }

    /// <summary>ustar splits a long name at a '/' into prefix (up to 155 bytes) and name (up to 100); null when impossible.</summary>
    private static (byte[] Name, byte[] Prefix)? SplitName(byte[] name)
    {
        if (name.Length <= 100)
        {
            return (name, []);
        }

        for (var i = name.Length - 1; i > 0; i--)
        {
            if (name[i] == (byte)'/' && i <= 155 && name.Length - i - 1 is > 0 and <= 100)
            {
                return (name[(i + 1)..], name[..i]);
            }
        }

        return null;
    }

    private static byte[] Truncate(byte[] bytes, int length) => bytes.Length <= length ? bytes : bytes[..length];

    private static string SafeShortName(string name)
    {
        var last = name[(name.LastIndexOf('/') + 1)..];
        return last.Length <= 80 ? last : last[..80];
    }

    /// <summary>"LEN key=value\n" where LEN counts the whole record, itself included.</summary>
    private static string PaxRecord(string key, string value)
    {
        var body = $" {key}={value}\n";
        var bodyLength = Encoding.UTF8.GetByteCount(body);
        var length = bodyLength + 1;
        while (length != bodyLength + length.ToString(CultureInfo.InvariantCulture).Length)
        {
            length = bodyLength + length.ToString(CultureInfo.InvariantCulture).Length;
        }

        return length.ToString(CultureInfo.InvariantCulture) + body;
    }
}

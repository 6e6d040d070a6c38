using System.Buffers.Binary;

namespace Vmie.Guest.Linux.Initramfs;

/// <summary>
/// Decompresses the LZ4 legacy frame format that the Linux kernel's initramfs loader reads (lz4 -l): the magic
/// 0x184C2102 (little-endian), then blocks of a 4-byte little-endian compressed size and an independent LZ4
/// block that decodes to at most 8 MiB. The magic may recur (concatenated frames); the data ends at end of
/// input or at a zero size. Block format (lz4 "Block format description"): sequences of a token (literal
/// length high nibble, match length low nibble, 15 meaning "more bytes follow, 255 each"), literals, a 2-byte
/// little-endian offset, and a match of length + 4; the last sequence has literals only.
/// </summary>
public sealed class Lz4LegacyStream : Stream
{
    public const uint Magic = 0x184C2102;

    private const int MaxBlockOutput = 8 << 20;

    /// <summary>LZ4_compressBound(8 MiB): the largest compressed block a legacy encoder writes.</summary>
    private const int MaxBlockInput = MaxBlockOutput + (MaxBlockOutput / 255) + 16;

    private readonly Stream _inner;
    private readonly bool _leaveOpen;
    private byte[] _input = [];
    private readonly byte[] _output = new byte[MaxBlockOutput];
    private int _outputLength;
    private int _outputPosition;
    private bool _ended;

    /// <summary>Starts at the frame's magic number.</summary>
    public Lz4LegacyStream(Stream inner, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(inner);
        _inner = inner;
        _leaveOpen = leaveOpen;
        Span<byte> magic = stackalloc byte[4];
        if (!ReadExactly(inner, magic) || BinaryPrimitives.ReadUInt32LittleEndian(magic) != Magic)
        {
            throw new InvalidDataException("Not an LZ4 legacy frame: the magic number 0x184C2102 is missing.");
        }
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        while (_outputPosition == _outputLength)
        {
            if (_ended || !NextBlock())
            {
                _ended = true;
                return 0;
            }
        }

        var count = Math.Min(buffer.Length, _outputLength - _outputPosition);
        _output.AsSpan(_outputPosition, count).CopyTo(buffer);
        _outputPosition += count;
        return count;
    }

    /// <summary>Decodes one LZ4 block into <paramref name="output"/>; returns the decoded length.</summary>
    public static int DecodeBlock(ReadOnlySpan<byte> input, Span<byte> output)
    {
        var ip = 0;
        var op = 0;
        while (ip < input.Length)
        {
            var token = input[ip++];
            var literals = ReadLength(input, ref ip, token >> 4);
            if (literals > input.Length - ip || literals > output.Length - op)
            {
                throw new InvalidDataException("LZ4 block: literals run past the block.");
            }

            input.Slice(ip, literals).CopyTo(output[op..]);
            ip += literals;
            op += literals;
            if (ip == input.Length)
            {
                break;
            }

            if (input.Length - ip < 2)
            {
                throw new InvalidDataException("LZ4 block: truncated match offset.");
            }

            var distance = BinaryPrimitives.ReadUInt16LittleEndian(input[ip..]);
            ip += 2;
            if (distance == 0 || distance > op)
            {
                throw new InvalidDataException("LZ4 block: match offset outside the decoded data.");
            }

            var match = ReadLength(input, ref ip, token & 0xF) + 4;
            if (match > output.Length - op)
            {
                throw new InvalidDataException("LZ4 block: match runs past the block's 8 MiB.");
            }

            // Byte by byte: a match may overlap the bytes it is producing (a run).
            var from = op - distance;
            for (var i = 0; i < match; i++)
            {
                output[op + i] = output[from + i];
            }

            op += match;
        }

        return op;
    }

    private static int ReadLength(ReadOnlySpan<byte> input, ref int ip, int nibble)
    {
        var length = nibble;
        if (nibble == 15)
        {
            byte next;
            do
            {
                if (ip >= input.Length)
                {
                    throw new InvalidDataException("LZ4 block: truncated length.");
                }

                next = input[ip++];
                length += next;
                if (length > MaxBlockInput + MaxBlockOutput)
                {
                    throw new InvalidDataException("LZ4 block: length beyond any block.");
                }
            }
            while (next == 255);
        }

        return length;
    }

    private bool NextBlock()
    {
        Span<byte> header = stackalloc byte[4];
        uint size;
        do
        {
            if (!ReadExactly(_inner, header))
            {
                return false;
            }

            size = BinaryPrimitives.ReadUInt32LittleEndian(header);
        }
        while (size == Magic);

        if (size == 0)
        {
            return false;
        }

        if (size > MaxBlockInput)
        {
            throw new InvalidDataException($"LZ4 legacy block of {size} bytes: larger than any 8 MiB block compresses to.");
        }

        if (_input.Length < size)
        {
            _input = new byte[MaxBlockInput];
        }

        if (!ReadExactly(_inner, _input.AsSpan(0, (int)size)))
        {
            throw new InvalidDataException("LZ4 legacy frame: truncated block.");
        }

        _outputLength = DecodeBlock(_input.AsSpan(0, (int)size), _output);
        _outputPosition = 0;
        return true;
    }

    /// <summary>Fills <paramref name="buffer"/>; false when the stream ends before the first byte, an error when it ends midway.</summary>
    private static bool ReadExactly(Stream stream, Span<byte> buffer)
    {
        var filled = 0;
        while (filled < buffer.Length)
        {
            var read = stream.Read(buffer[filled..]);
            if (read == 0)
            {
                return filled == 0 ? false : throw new InvalidDataException("LZ4 legacy frame: truncated block header.");
            }

            filled += read;
        }

        return true;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_leaveOpen)
        {
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }
}

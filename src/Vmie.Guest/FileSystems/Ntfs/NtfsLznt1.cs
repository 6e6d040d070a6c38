using System.Buffers.Binary;

namespace Vmie.Guest.FileSystems.Ntfs;

/// <summary>
/// LZNT1, the compression of NTFS compressed attributes ([MS-XCA] §2.5): a series of chunks, each with a
/// 16-bit header (bit 15 set when compressed, bits 0–11 the chunk size minus 3) decompressing to at most
/// 4096 bytes. Inside a compressed chunk a flag byte precedes eight items: a literal byte (bit clear) or a
/// 16-bit back reference (bit set) whose split between displacement and length widens as the chunk fills.
/// </summary>
internal static class NtfsLznt1
{
    public const int ChunkSize = 4096;

    /// <summary>Decompresses into <paramref name="output"/>; a chunk shorter than 4096 bytes is followed by zeros, as NTFS reads it. Returns the bytes written.</summary>
    public static int Decompress(ReadOnlySpan<byte> input, Span<byte> output)
    {
        var inPos = 0;
        var outPos = 0;
        while (inPos + 2 <= input.Length && outPos < output.Length)
        {
            var header = BinaryPrimitives.ReadUInt16LittleEndian(input[inPos..]);
            if (header == 0)
            {
                break;
            }

            var chunkLength = (header & 0x0FFF) + 1;
            inPos += 2;
            if (inPos + chunkLength > input.Length)
            {
                throw new CorruptFileSystemException("NTFS compressed data: an LZNT1 chunk runs past its compression unit.");
            }

            var chunk = input.Slice(inPos, chunkLength);
            var target = output.Slice(outPos, Math.Min(ChunkSize, output.Length - outPos));
            int produced;
            if ((header & 0x8000) == 0)
            {
                if (chunkLength > ChunkSize)
                {
                    throw new CorruptFileSystemException($"NTFS compressed data: an uncompressed LZNT1 chunk of {chunkLength} bytes.");
                }

                produced = Math.Min(chunk.Length, target.Length);
                chunk[..produced].CopyTo(target);
            }
            else
            {
                produced = DecompressChunk(chunk, target);
                target[produced..].Clear();
                produced = target.Length;
            }

            outPos += produced;
            inPos += chunkLength;
        }

        return outPos;
    }

    private static int DecompressChunk(ReadOnlySpan<byte> chunk, Span<byte> target)
    {
        var inPos = 0;
        var outPos = 0;
        while (inPos < chunk.Length)
        {
            var flags = chunk[inPos++];
            for (var bit = 0; bit < 8 && inPos < chunk.Length; bit++, flags >>= 1)
            {
                if ((flags & 1) == 0)
                {
                    if (outPos >= target.Length)
                    {
                        throw new CorruptFileSystemException("NTFS compressed data: an LZNT1 chunk decompresses past 4096 bytes.");
                    }

                    target[outPos++] = chunk[inPos++];
                    continue;
                }

                if (inPos + 2 > chunk.Length || outPos == 0)
                {
                    throw new CorruptFileSystemException("NTFS compressed data: a malformed LZNT1 back reference.");
                }

                var token = BinaryPrimitives.ReadUInt16LittleEndian(chunk[inPos..]);
                inPos += 2;
                var lengthBits = 12;
                for (var p = outPos - 1; p >= 0x10; p >>= 1)
                {
                    lengthBits--;
                }

                var displacement = (token >> lengthBits) + 1;
                var length = (token & ((1 << lengthBits) - 1)) + 3;
                if (displacement > outPos || outPos + length > target.Length)
                {
                    throw new CorruptFileSystemException("NTFS compressed data: an LZNT1 back reference leaves its chunk.");
                }

                // Byte by byte: a reference may overlap what it is producing.
                for (var i = 0; i < length; i++, outPos++)
                {
                    target[outPos] = target[outPos - displacement];
                }
            }
        }

        return outPos;
    }
}

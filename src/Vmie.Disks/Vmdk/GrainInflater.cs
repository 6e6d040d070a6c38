using System.IO.Compression;
using Vmie.Disks.Abstractions;

namespace Vmie.Disks.Vmdk;

/// <summary>
/// Decodes one compressed grain of a streamOptimized extent ("Virtual Disk Format 5.0", "Stream-Optimized
/// Compressed Sparse Extents": a zlib stream after the grain marker), with the checks of spec §13 N4.
/// Shared by the random-access reader and the forward-only reader.
/// </summary>
internal static class GrainInflater
{
    // Room for zlib framing around an incompressible grain; a marker claiming more than twice the grain is lying.
    private const int CompressedOverhead = 1024;

    /// <summary>The largest compressed size a grain marker may declare for a grain of <paramref name="grainBytes"/>.</summary>
    public static long MaxCompressedSize(int grainBytes) => (2L * grainBytes) + CompressedOverhead;

    /// <summary>
    /// Inflates <paramref name="compressed"/> into <paramref name="output"/> (one grain); the result must hold at
    /// least <paramref name="required"/> bytes and not more than a grain. Returns the decoded length.
    /// </summary>
    public static int Inflate(byte[] compressed, int compressedLength, byte[] output, int required, long markerOffset)
    {
        try
        {
            using var input = new MemoryStream(compressed, 0, compressedLength, writable: false);
            using var zlib = new ZLibStream(input, CompressionMode.Decompress);
            var length = 0;
            int read;
            while (length < output.Length && (read = zlib.Read(output, length, output.Length - length)) > 0)
            {
                length += read;
            }

            // More output than a grain is corruption, not a reason to allocate.
            if (length == output.Length && zlib.ReadByte() >= 0)
            {
                throw new InvalidDiskImageException($"Uncompressed data has invalid length. (VMDK grain at byte {markerOffset} decodes to more than {output.Length} bytes.)");
            }

            if (length < required)
            {
                throw new InvalidDiskImageException($"Uncompressed data has invalid length. (VMDK grain at byte {markerOffset} decodes to {length} bytes, {required} expected.)");
            }

            return length;
        }
        catch (InvalidDataException error)
        {
            throw new InvalidDiskImageException($"The VMDK grain at byte {markerOffset} holds corrupt deflate data: {error.Message}", error);
        }
    }
}

using System.IO.Compression;

namespace Vmie.Guest.FileSystems.Btrfs;

/// <summary>
/// Compressed extents (Btrfs on-disk format, "EXTENT_DATA" compression field): 1 zlib (one zlib stream for the
/// whole extent), 2 lzo, 3 zstd. zlib is read; lzo and zstd are recognised and refused by name.
/// </summary>
internal static class BtrfsCompression
{
    /// <summary>Btrfs never compresses more than 128 KiB into one extent.</summary>
    public const int MaxUncompressed = 128 << 10;

    public static string Name(byte compression) => compression switch
    {
        0 => "none",
        1 => "zlib",
        2 => "lzo",
        3 => "zstd",
        _ => $"unknown method {compression}",
    };

    /// <summary>Throws unless <paramref name="compression"/> is zlib: lzo and zstd by name, anything else as damage.</summary>
    public static void EnsureReadable(byte compression, string what)
    {
        if (compression is 2 or 3)
        {
            throw new BtrfsNotSupportedException($"{what} is compressed with {Name(compression)}; vmie cannot read it yet.");
        }

        if (compression != 1)
        {
            throw new CorruptFileSystemException($"{what}: unknown compression method {compression}.");
        }
    }

    /// <summary>Decompresses to exactly <paramref name="ramBytes"/> bytes; a short stream leaves zeros, as the kernel does.</summary>
    public static byte[] Decompress(byte compression, ReadOnlyMemory<byte> compressed, ulong ramBytes, string what)
    {
        EnsureReadable(compression, what);

        if (ramBytes > MaxUncompressed)
        {
            throw new CorruptFileSystemException($"{what}: a compressed extent of {ramBytes} bytes (at most {MaxUncompressed}).");
        }

        var output = new byte[ramBytes];
        try
        {
            using var input = new MemoryStream(compressed.ToArray(), writable: false);
            using var zlib = new ZLibStream(input, CompressionMode.Decompress);
            var filled = 0;
            while (filled < output.Length)
            {
                var read = zlib.Read(output, filled, output.Length - filled);
                if (read == 0)
                {
                    break;
                }

                filled += read;
            }
        }
        catch (InvalidDataException e)
        {
            throw new CorruptFileSystemException($"{what}: the zlib data is damaged.", e);
        }

        return output;
    }
}

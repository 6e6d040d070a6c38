using System.IO.Compression;
using SharpCompress.Compressors.BZip2;
using SharpCompress.Compressors.Xz;
using Vmie.Guest.FileSystems;
using ZstdSharp;

namespace Vmie.Guest.Linux.Initramfs;

/// <summary>
/// Lists an initramfs/initrd as the kernel unpacks it (Documentation/driver-api/early-userspace/buffer-format):
/// uncompressed cpio archives (the early microcode archive), zero padding, then one compressed stream —
/// gzip, xz, bzip2, zstd or LZ4 legacy, told apart by magic number — holding further cpio archives. Data is
/// streamed and skipped, never held: memory stays at a few buffers whatever the size.
/// </summary>
public static class InitramfsReader
{
    private const int BufferSize = 128 * 1024;

    /// <summary>Reads the initramfs at <paramref name="path"/> in the guest; null when there is no such file.</summary>
    public static async ValueTask<InitramfsContents?> ReadAsync(GuestFiles root, string path, InitramfsLimits? limits = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(root);
        var node = await root.FindAsync(path, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (node is null || node.Kind != GuestNodeKind.File)
        {
            return null;
        }

        // Decompressors are synchronous: run them off the caller's thread.
        return await Task.Run(
            () =>
            {
                using var stream = root.OpenRead(node);
                return Read(stream, limits, cancellationToken);
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads an initramfs image from <paramref name="image"/>, from its current position to its end.</summary>
    /// <exception cref="UnreadableInitramfsException">The image cannot be read through.</exception>
    public static InitramfsContents Read(Stream image, InitramfsLimits? limits = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        limits ??= InitramfsLimits.Default;
        var entries = new List<InitramfsEntry>();
        var segments = new List<string>();
        using var buffered = new BufferedStream(image, BufferSize);
        var raw = new CpioArchiveReader(buffered, 0, limits, entries, cancellationToken);
        try
        {
            var start = raw.SkipPadding();
            if (start is null)
            {
                throw new UnreadableInitramfsException("The file is empty.");
            }

            while (start is not null)
            {
                if (IsCpio(start))
                {
                    raw.ReadArchive(start);
                    if (segments.Count == 0 || segments[^1] != "cpio")
                    {
                        segments.Add("cpio");
                    }

                    start = raw.SkipPadding();
                    continue;
                }

                // A compressed stream: it runs to the end of the image. Step back over the two bytes already read.
                buffered.Seek(-2, SeekOrigin.Current);
                ReadCompressed(buffered, limits, entries, segments, cancellationToken);
                break;
            }
        }
        catch (Exception error) when (error is not UnreadableInitramfsException and not OperationCanceledException and not OutOfMemoryException)
        {
            // The decompressors report damage with exceptions of their own (InvalidDataException, ZstdException,
            // SharpCompress' DataErrorException and InvalidFormatException...): all of them mean "unreadable".
            throw new UnreadableInitramfsException($"The initramfs is damaged: {error.Message}", error);
        }

        return new InitramfsContents(entries, segments);
    }

    private static void ReadCompressed(BufferedStream image, InitramfsLimits limits, List<InitramfsEntry> entries, List<string> segments, CancellationToken cancellationToken)
    {
        Span<byte> magic = stackalloc byte[6];
        var position = image.Position;
        var length = image.ReadAtLeast(magic, magic.Length, throwOnEndOfStream: false);
        image.Position = position;
        var (name, decompressed) = Open(image, magic[..length]);
        segments.Add(name);
        using (decompressed)
        {
            var reader = new CpioArchiveReader(decompressed, 0, limits, entries, cancellationToken);
            var start = reader.SkipPadding();
            while (start is not null)
            {
                if (!IsCpio(start))
                {
                    throw new UnreadableInitramfsException($"The {name} stream holds something other than cpio at offset {reader.Offset - 2}.");
                }

                reader.ReadArchive(start);
                start = SkipPaddingAfterArchive(reader);
            }
        }
    }

    /// <summary>
    /// After a complete archive the kernel skips zero padding to the end of the image. The decompressor, asked for
    /// more, reads that padding as the start of another frame and fails (zstd, bzip2): once an archive is complete,
    /// such a failure means the end of the compressed data, not damage.
    /// </summary>
    private static byte[]? SkipPaddingAfterArchive(CpioArchiveReader reader)
    {
        try
        {
            return reader.SkipPadding();
        }
        catch (Exception error) when (error is not UnreadableInitramfsException and not OperationCanceledException and not OutOfMemoryException)
        {
            return null;
        }
    }

    private static (string Name, Stream Stream) Open(Stream image, ReadOnlySpan<byte> magic)
    {
        if (magic.StartsWith((ReadOnlySpan<byte>)[0x1F, 0x8B]))
        {
            return ("gzip", new GZipStream(image, System.IO.Compression.CompressionMode.Decompress, leaveOpen: true));
        }

        if (magic.StartsWith((ReadOnlySpan<byte>)[0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00]))
        {
            return ("xz", new XZStream(image));
        }

        if (magic.StartsWith("BZh"u8))
        {
            return ("bzip2", BZip2Stream.Create(image, SharpCompress.Compressors.CompressionMode.Decompress, decompressConcatenated: true, leaveOpen: true, tolerateTruncatedStream: false));
        }

        if (magic.StartsWith((ReadOnlySpan<byte>)[0x28, 0xB5, 0x2F, 0xFD]))
        {
            return ("zstd", new DecompressionStream(image, BufferSize, checkEndOfStream: true, leaveOpen: true));
        }

        if (magic.StartsWith((ReadOnlySpan<byte>)[0x02, 0x21, 0x4C, 0x18]))
        {
            return ("lz4-legacy", new Lz4LegacyStream(image, leaveOpen: true));
        }

        var shown = Convert.ToHexString(magic);
        var known = magic.StartsWith((ReadOnlySpan<byte>)[0x5D, 0x00, 0x00]) ? " (lzma)" : magic.StartsWith((ReadOnlySpan<byte>)[0x89, 0x4C, 0x5A, 0x4F]) ? " (lzo)" : magic.StartsWith((ReadOnlySpan<byte>)[0x04, 0x22, 0x4D, 0x18]) ? " (LZ4 frame, which the kernel does not load)" : "";
        throw new UnreadableInitramfsException($"Unsupported compression: magic {shown}{known}.");
    }

    private static bool IsCpio(byte[] start) => (start[0] == '0' && start[1] == '7') || (start[0] == 0xC7 && start[1] == 0x71) || (start[0] == 0x71 && start[1] == 0xC7);
}

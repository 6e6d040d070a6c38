using System.Buffers.Binary;
using System.Text;
using Vmie.Disks.Abstractions;

namespace Vmie.Guest.Volumes.Lvm;

/// <summary>
/// An LVM2 text-format metadata area: a 512-byte header (checksum of bytes 4-511, magic " LVM2 x[5A%r0N*>",
/// version 1, the area's start and size, then raw locations {offset, size, checksum, flags} ending with a zero
/// offset). The first raw location is the current metadata text, at that offset from the area's start inside a
/// circular buffer that wraps to just after the header.
/// </summary>
internal static class MetadataArea
{
    /// <summary>Metadata text beyond this is refused (LVM's default area is 1 MiB; real VGs use a few KiB).</summary>
    public const int MaxTextBytes = 8 << 20;
    private const int HeaderSize = 512;
    private const uint RawLocationIgnored = 1;
    private static ReadOnlySpan<byte> Magic => " LVM2 x[5A%r0N*>"u8;

    /// <summary>The current metadata text of the area at <paramref name="areaOffset"/>, or null when the area is unused.</summary>
    public static async ValueTask<string?> ReadTextAsync(IBlockSource device, ulong areaOffset, ulong areaSize, CancellationToken cancellationToken)
    {
        if (areaOffset > (ulong)device.Length || areaSize > (ulong)device.Length - areaOffset || areaSize <= HeaderSize)
        {
            throw new CorruptVolumeException($"The LVM2 metadata area at byte {areaOffset} ({areaSize} bytes) does not fit the device ({device.Length} bytes).");
        }

        var start = (long)areaOffset;
        var size = (long)areaSize;
        var header = await BlockReads.ReadExactlyAsync(device, start, HeaderSize, "LVM2 metadata area header", cancellationToken).ConfigureAwait(false);
        if (!header.AsSpan(4, 16).SequenceEqual(Magic))
        {
            throw new CorruptVolumeException($"The LVM2 metadata area at byte {start} has no metadata header magic.");
        }

        var stored = BinaryPrimitives.ReadUInt32LittleEndian(header);
        var computed = LvmChecksum.Compute(header.AsSpan(4));
        if (stored != computed)
        {
            throw new CorruptVolumeException($"The LVM2 metadata area header at byte {start} has a bad checksum (stored 0x{stored:X8}, computed 0x{computed:X8}).");
        }

        if (BinaryPrimitives.ReadUInt64LittleEndian(header.AsSpan(24)) != areaOffset)
        {
            throw new CorruptVolumeException($"The LVM2 metadata area header at byte {start} says it starts elsewhere.");
        }

        var textOffset = BinaryPrimitives.ReadUInt64LittleEndian(header.AsSpan(40));
        var textSize = BinaryPrimitives.ReadUInt64LittleEndian(header.AsSpan(48));
        var checksum = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(56));
        var flags = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(60));
        if (textOffset == 0 || (flags & RawLocationIgnored) != 0)
        {
            return null;
        }

        if (textOffset < HeaderSize || textOffset >= areaSize || textSize == 0 || textSize > (ulong)Math.Min(MaxTextBytes, size - HeaderSize))
        {
            throw new CorruptVolumeException($"The LVM2 metadata text location (offset {textOffset}, {textSize} bytes) does not fit its {areaSize}-byte area.");
        }

        // The circular buffer: text that runs past the end of the area continues right after the header.
        var text = new byte[textSize];
        var firstPart = (int)Math.Min(textSize, areaSize - textOffset);
        (await BlockReads.ReadExactlyAsync(device, start + (long)textOffset, firstPart, "LVM2 metadata text", cancellationToken).ConfigureAwait(false)).CopyTo(text, 0);
        if (firstPart < text.Length)
        {
            (await BlockReads.ReadExactlyAsync(device, start + HeaderSize, text.Length - firstPart, "LVM2 metadata text", cancellationToken).ConfigureAwait(false)).CopyTo(text, firstPart);
        }

        var textChecksum = LvmChecksum.Compute(text);
        if (textChecksum != checksum)
        {
            throw new CorruptVolumeException($"The LVM2 metadata text at byte {start + (long)textOffset} has a bad checksum (stored 0x{checksum:X8}, computed 0x{textChecksum:X8}).");
        }

        return Encoding.UTF8.GetString(text).TrimEnd('\0');
    }
}

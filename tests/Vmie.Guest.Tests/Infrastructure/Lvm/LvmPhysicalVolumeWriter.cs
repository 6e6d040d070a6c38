using System.Buffers.Binary;
using System.Text;

namespace Vmie.Guest.Tests.Infrastructure.Lvm;

/// <summary>
/// Writes the LVM2 headers of a physical volume into a file, from the format's facts (LVM2 on-disk format: label.h,
/// format-text layout), as pvcreate + vgcreate leave them: the label in sector 1 ("LABELONE", its sector number,
/// a checksum of bytes 20-511, the pv_header offset 32, "LVM2 001"), the pv_header (32-character UUID, device size,
/// a data area list {pe_start, 0} and a metadata area list {4096, size}, each closed by a zero entry), the
/// pv_header_extension (version 2, flags 1 = in use, an empty boot loader area list), and at 4096 the mda_header
/// (checksum of bytes 4-511, " LVM2 x[5A%r0N*>", version 1, the area's start and size, raw_locn[0] = {text
/// offset from the area's start, text size, text checksum, flags 0}, raw_locn[1] zero) with the metadata text.
/// Nothing else of the file is touched: the data area is the caller's.
/// </summary>
internal static class LvmPhysicalVolumeWriter
{
    public const long MetadataAreaOffset = 4096;
    public const long DataAreaOffset = 1 << 20;
    private const int SectorSize = 512;
    private const int LabelSector = 1;

    /// <param name="uuid">The PV UUID: 32 characters, without dashes.</param>
    /// <param name="textOffset">Where the text lies from the area's start (512 for a fresh area; lvm2 moves it on each commit).</param>
    public static void Write(string path, string uuid, long deviceSize, string metadataText, long textOffset = SectorSize)
    {
        if (uuid.Length != 32)
        {
            throw new ArgumentException("A PV UUID has 32 characters.", nameof(uuid));
        }

        var areaSize = DataAreaOffset - MetadataAreaOffset;
        // lvm2 stores the text with its terminating NUL, and counts it in the size.
        var text = Encoding.UTF8.GetBytes(metadataText + "\0");
        if (textOffset < SectorSize || textOffset + text.Length > areaSize)
        {
            throw new ArgumentException("The metadata text does not fit the metadata area.", nameof(metadataText));
        }

        var label = new byte[SectorSize];
        "LABELONE"u8.CopyTo(label);
        BinaryPrimitives.WriteUInt64LittleEndian(label.AsSpan(8), LabelSector);
        BinaryPrimitives.WriteUInt32LittleEndian(label.AsSpan(20), 32);
        "LVM2 001"u8.CopyTo(label.AsSpan(24));
        var header = label.AsSpan(32);
        Encoding.ASCII.GetBytes(uuid).CopyTo(header);
        BinaryPrimitives.WriteUInt64LittleEndian(header[32..], (ulong)deviceSize);
        BinaryPrimitives.WriteUInt64LittleEndian(header[40..], DataAreaOffset);
        BinaryPrimitives.WriteUInt64LittleEndian(header[72..], MetadataAreaOffset);
        BinaryPrimitives.WriteUInt64LittleEndian(header[80..], (ulong)areaSize);
        BinaryPrimitives.WriteUInt32LittleEndian(header[104..], 2);
        BinaryPrimitives.WriteUInt32LittleEndian(header[108..], 1);
        BinaryPrimitives.WriteUInt32LittleEndian(label.AsSpan(16), Checksum(label.AsSpan(20)));

        var mda = new byte[SectorSize];
        " LVM2 x[5A%r0N*>"u8.CopyTo(mda.AsSpan(4));
        BinaryPrimitives.WriteUInt32LittleEndian(mda.AsSpan(20), 1);
        BinaryPrimitives.WriteUInt64LittleEndian(mda.AsSpan(24), MetadataAreaOffset);
        BinaryPrimitives.WriteUInt64LittleEndian(mda.AsSpan(32), (ulong)areaSize);
        BinaryPrimitives.WriteUInt64LittleEndian(mda.AsSpan(40), (ulong)textOffset);
        BinaryPrimitives.WriteUInt64LittleEndian(mda.AsSpan(48), (ulong)text.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(mda.AsSpan(56), Checksum(text));
        BinaryPrimitives.WriteUInt32LittleEndian(mda, Checksum(mda.AsSpan(4)));

        using var file = new FileStream(path, FileMode.Open, FileAccess.Write);
        file.Position = LabelSector * SectorSize;
        file.Write(label);
        file.Position = MetadataAreaOffset;
        file.Write(mda);
        file.Position = MetadataAreaOffset + textOffset;
        file.Write(text);
    }

    /// <summary>LVM2's calc_crc: the reflected CRC-32 polynomial 0xEDB88320 from the seed 0xF597A6CF, with no final inversion.</summary>
    public static uint Checksum(ReadOnlySpan<byte> data)
    {
        var crc = 0xF597A6CFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var bit = 0; bit < 8; bit++)
            {
                crc = (crc & 1) != 0 ? 0xEDB88320 ^ (crc >> 1) : crc >> 1;
            }
        }

        return crc;
    }
}

using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Vmie.Disks.Tests.Vmdk;

/// <summary>Where <see cref="VmwareStreamVmdkWriter"/> put things, so tests can damage them precisely.</summary>
internal sealed record VmwareStreamLayout(long Length, IReadOnlyList<long> GrainMarkerOffsets, IReadOnlyList<long> GrainTableOffsets, long GrainDirectoryOffset, long FooterOffset);

/// <summary>
/// Writes a streamOptimized VMDK the way VMware lays it out (qemu never does): a header with
/// gdOffset = GD_AT_END, compressed grains each behind a grain marker, each grain table behind a GT marker after
/// its grains, the grain directory behind a GD marker, then footer marker, footer and end-of-stream marker.
/// All-zero grains are left out. Test code only: it buffers the raw image.
/// </summary>
internal static class VmwareStreamVmdkWriter
{
    private const int Sector = 512;
    private const int GrainSectors = 128;
    private const int GrainBytes = GrainSectors * Sector;
    private const int TableEntries = 512;
    private const int OverheadSectors = 128;

    public static VmwareStreamLayout Write(string rawPath, string vmdkPath)
    {
        var raw = File.ReadAllBytes(rawPath);
        var capacitySectors = (raw.LongLength + Sector - 1) / Sector;
        var grainCount = (int)((capacitySectors + GrainSectors - 1) / GrainSectors);
        var tableCount = (grainCount + TableEntries - 1) / TableEntries;

        using var file = new FileStream(vmdkPath, FileMode.Create, FileAccess.Write);
        file.Write(Header(capacitySectors, directorySector: ulong.MaxValue));
        var descriptor = Encoding.ASCII.GetBytes(
            "# Disk DescriptorFile\nversion=1\nCID=12345678\nparentCID=ffffffff\ncreateType=\"streamOptimized\"\n\n" +
            $"# Extent description\nRW {capacitySectors} SPARSE \"vmware.vmdk\"\n\n# The Disk Data Base\n#DDB\n\n" +
            "ddb.adapterType = \"lsilogic\"\nddb.virtualHWVersion = \"7\"\n");
        file.Write(descriptor);
        PadTo(file, OverheadSectors * (long)Sector);

        var markers = new List<long>();
        var tables = new List<long>();
        var directory = new uint[tableCount];
        for (var t = 0; t < tableCount; t++)
        {
            var table = new uint[TableEntries];
            for (var e = 0; e < TableEntries; e++)
            {
                var grain = (t * TableEntries) + e;
                if (grain >= grainCount)
                {
                    break;
                }

                var start = (long)grain * GrainBytes;
                var data = raw.AsSpan((int)start, (int)Math.Min(GrainBytes, raw.LongLength - start));
                if (!data.ContainsAnyExcept((byte)0))
                {
                    continue;
                }

                table[e] = (uint)(file.Position / Sector);
                markers.Add(file.Position);
                var compressed = Compress(data);
                var marker = new byte[12];
                BinaryPrimitives.WriteUInt64LittleEndian(marker, (ulong)grain * GrainSectors);
                BinaryPrimitives.WriteUInt32LittleEndian(marker.AsSpan(8), (uint)compressed.Length);
                file.Write(marker);
                file.Write(compressed);
                PadToSector(file);
            }

            file.Write(MetadataMarker(TableEntries * 4 / Sector, type: 1));
            directory[t] = (uint)(file.Position / Sector);
            tables.Add(file.Position);
            file.Write(ToBytes(table));
        }

        var directoryBytes = ToBytes(directory);
        file.Write(MetadataMarker((directoryBytes.Length + Sector - 1) / Sector, type: 2));
        var directoryOffset = file.Position;
        file.Write(directoryBytes);
        PadToSector(file);

        file.Write(MetadataMarker(1, type: 3));
        var footerOffset = file.Position;
        file.Write(Header(capacitySectors, (ulong)(directoryOffset / Sector)));
        file.Write(MetadataMarker(0, type: 0));
        return new VmwareStreamLayout(file.Position, markers, tables, directoryOffset, footerOffset);
    }

    private static byte[] Header(long capacitySectors, ulong directorySector)
    {
        var header = new byte[Sector];
        "KDMV"u8.CopyTo(header);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(4), 3);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(8), 0x30001); // newline test, compressed grains, markers
        BinaryPrimitives.WriteUInt64LittleEndian(header.AsSpan(12), (ulong)capacitySectors);
        BinaryPrimitives.WriteUInt64LittleEndian(header.AsSpan(20), GrainSectors);
        BinaryPrimitives.WriteUInt64LittleEndian(header.AsSpan(28), 1); // descriptor offset
        BinaryPrimitives.WriteUInt64LittleEndian(header.AsSpan(36), 2); // descriptor sectors
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(44), TableEntries);
        BinaryPrimitives.WriteUInt64LittleEndian(header.AsSpan(48), 0); // no redundant directory
        BinaryPrimitives.WriteUInt64LittleEndian(header.AsSpan(56), directorySector);
        BinaryPrimitives.WriteUInt64LittleEndian(header.AsSpan(64), OverheadSectors);
        "\n \r\n"u8.CopyTo(header.AsSpan(73));
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(77), 1); // deflate
        return header;
    }

    private static byte[] MetadataMarker(long sectors, uint type)
    {
        var marker = new byte[Sector];
        BinaryPrimitives.WriteUInt64LittleEndian(marker, (ulong)sectors);
        BinaryPrimitives.WriteUInt32LittleEndian(marker.AsSpan(12), type);
        return marker;
    }

    private static byte[] Compress(ReadOnlySpan<byte> data)
    {
        using var output = new MemoryStream();
        using (var zlib = new ZLibStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            zlib.Write(data);
        }

        return output.ToArray();
    }

    private static byte[] ToBytes(uint[] values)
    {
        var bytes = new byte[values.Length * 4];
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(i * 4), values[i]);
        }

        return bytes;
    }

    private static void PadToSector(FileStream file) => PadTo(file, (file.Position + Sector - 1) / Sector * Sector);

    private static void PadTo(FileStream file, long position)
    {
        if (file.Position < position)
        {
            file.Write(new byte[position - file.Position]);
        }
    }
}

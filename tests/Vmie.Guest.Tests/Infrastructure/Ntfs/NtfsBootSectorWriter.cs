using System.Buffers.Binary;

namespace Vmie.Guest.Tests.Infrastructure.Ntfs;

/// <summary>
/// The NTFS boot sector (and its backup in the volume's last sector): jump, OEM id "NTFS    ", BIOS parameter
/// block (bytes per sector 0x0B, sectors per cluster 0x0D, media 0x15, geometry 0x18/0x1A, hidden sectors 0x1C —
/// the partition's first LBA — the FAT-only fields zero), extended BPB (drive 0x24, total sectors 0x28 — the
/// volume's sectors less the backup's — $MFT and $MFTMirr LCNs 0x30/0x38, clusters per FILE record 0x40 and per
/// INDX block 0x44, a negative value -n meaning 2^n bytes, serial number 0x48) and the 0x55AA end marker.
/// </summary>
internal static class NtfsBootSectorWriter
{
    public static byte[] Write(NtfsGeometry geometry, long mftLcn, long mirrorLcn, ulong serialNumber, uint hiddenSectors)
    {
        var sector = new byte[geometry.SectorSize];
        sector[0] = 0xEB;
        sector[1] = 0x52;
        sector[2] = 0x90;
        "NTFS    "u8.CopyTo(sector.AsSpan(3));
        BinaryPrimitives.WriteUInt16LittleEndian(sector.AsSpan(0x0B), (ushort)geometry.SectorSize);
        sector[0x0D] = (byte)(geometry.ClusterSize / geometry.SectorSize);
        sector[0x15] = 0xF8;
        BinaryPrimitives.WriteUInt16LittleEndian(sector.AsSpan(0x18), 63);
        BinaryPrimitives.WriteUInt16LittleEndian(sector.AsSpan(0x1A), 255);
        BinaryPrimitives.WriteUInt32LittleEndian(sector.AsSpan(0x1C), hiddenSectors);
        sector[0x24] = 0x80;
        sector[0x26] = 0x80;
        BinaryPrimitives.WriteInt64LittleEndian(sector.AsSpan(0x28), geometry.TotalSectors);
        BinaryPrimitives.WriteInt64LittleEndian(sector.AsSpan(0x30), mftLcn);
        BinaryPrimitives.WriteInt64LittleEndian(sector.AsSpan(0x38), mirrorLcn);
        sector[0x40] = SizeCode(geometry.RecordSize, geometry.ClusterSize);
        sector[0x44] = SizeCode(geometry.IndexBlockSize, geometry.ClusterSize);
        BinaryPrimitives.WriteUInt64LittleEndian(sector.AsSpan(0x48), serialNumber);
        sector[0x1FE] = 0x55;
        sector[0x1FF] = 0xAA;
        return sector;
    }

    /// <summary>Clusters per record when a record is at least a cluster, else -log2(bytes).</summary>
    private static byte SizeCode(int size, int clusterSize) =>
        size >= clusterSize ? (byte)(size / clusterSize) : (byte)(sbyte)-int.Log2(size);
}

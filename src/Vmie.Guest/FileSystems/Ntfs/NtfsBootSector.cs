using System.Buffers.Binary;

namespace Vmie.Guest.FileSystems.Ntfs;

/// <summary>
/// The NTFS boot sector (the BIOS parameter block at the start of the volume: OEM id "NTFS    ", bytes per
/// sector at 0x0B, sectors per cluster at 0x0D, total sectors at 0x28, $MFT LCN at 0x30, clusters per FILE
/// record at 0x40 and per INDX record at 0x44, serial number at 0x48). Sizes at 0x0D, 0x40 and 0x44 use the
/// signed encoding: a negative value -n means 2^n (sectors or bytes).
/// </summary>
internal sealed class NtfsBootSector
{
    public const int Size = 512;

    private const int MaxClusterSize = 2 << 20;
    private const int MaxRecordSize = 64 << 10;

    private NtfsBootSector()
    {
    }

    public int BytesPerSector { get; private init; }

    public int ClusterSize { get; private init; }

    public long ClusterCount { get; private init; }

    public long MftLcn { get; private init; }

    public int FileRecordSize { get; private init; }

    public int IndexRecordSize { get; private init; }

    public ulong SerialNumber { get; private init; }

    public static bool HasSignature(ReadOnlySpan<byte> sector) => sector.Length >= 11 && sector.Slice(3, 8).SequenceEqual("NTFS    "u8);

    public static NtfsBootSector Parse(ReadOnlySpan<byte> sector, long volumeLength)
    {
        if (!HasSignature(sector))
        {
            throw new CorruptFileSystemException("The volume has no NTFS boot sector (OEM id \"NTFS    \").");
        }

        int bytesPerSector = BinaryPrimitives.ReadUInt16LittleEndian(sector[0x0B..]);
        if (bytesPerSector is < 256 or > 4096 || !int.IsPow2(bytesPerSector))
        {
            throw new CorruptFileSystemException($"NTFS boot sector: {bytesPerSector} bytes per sector.");
        }

        var sectorsPerClusterCode = sector[0x0D];
        long clusterSize = sectorsPerClusterCode <= 0x80
            ? (long)sectorsPerClusterCode * bytesPerSector
            : (256 - sectorsPerClusterCode) < 31 ? (long)bytesPerSector << (256 - sectorsPerClusterCode) : long.MaxValue;
        if (clusterSize == 0 || clusterSize > MaxClusterSize || !long.IsPow2(clusterSize))
        {
            throw new CorruptFileSystemException($"NTFS boot sector: sectors per cluster code 0x{sectorsPerClusterCode:X2} gives an unusable cluster size.");
        }

        var totalSectors = BinaryPrimitives.ReadInt64LittleEndian(sector[0x28..]);
        if (totalSectors <= 0 || totalSectors > volumeLength / bytesPerSector + 1)
        {
            throw new CorruptFileSystemException($"NTFS boot sector: {totalSectors} sectors do not fit a volume of {volumeLength} bytes.");
        }

        var clusterCount = totalSectors * bytesPerSector / clusterSize;
        var mftLcn = BinaryPrimitives.ReadInt64LittleEndian(sector[0x30..]);
        if (mftLcn <= 0 || mftLcn >= clusterCount)
        {
            throw new CorruptFileSystemException($"NTFS boot sector: $MFT at cluster {mftLcn}, outside the volume's {clusterCount} clusters.");
        }

        return new NtfsBootSector
        {
            BytesPerSector = bytesPerSector,
            ClusterSize = (int)clusterSize,
            ClusterCount = clusterCount,
            MftLcn = mftLcn,
            FileRecordSize = RecordSize((sbyte)sector[0x40], clusterSize, "FILE"),
            IndexRecordSize = RecordSize((sbyte)sector[0x44], clusterSize, "INDX"),
            SerialNumber = BinaryPrimitives.ReadUInt64LittleEndian(sector[0x48..]),
        };
    }

    private static int RecordSize(sbyte code, long clusterSize, string what)
    {
        long size = code > 0 ? code * clusterSize : code < 0 && -code < 31 ? 1L << -code : 0;
        if (size < 512 || size > MaxRecordSize || !long.IsPow2(size))
        {
            throw new CorruptFileSystemException($"NTFS boot sector: {what} record size code {code} gives {size} bytes.");
        }

        return (int)size;
    }
}

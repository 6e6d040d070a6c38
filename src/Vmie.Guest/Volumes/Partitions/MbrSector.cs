using System.Buffers.Binary;

namespace Vmie.Guest.Volumes.Partitions;

/// <summary>
/// A master boot record or extended boot record (512 bytes): bootstrap code 0-439, disk signature 440-443,
/// four 16-byte partition entries at 446 (status, CHS start, type, CHS end, LBA start, sector count) and the
/// 0x55 0xAA signature at 510.
/// </summary>
internal sealed class MbrSector
{
    public const int Size = 512;
    private const int EntriesOffset = 446;

    private MbrSector(ReadOnlySpan<byte> sector)
    {
        HasSignature = sector[510] == 0x55 && sector[511] == 0xAA;
        DiskSignature = BinaryPrimitives.ReadUInt32LittleEndian(sector[440..]);
        HasBootCode = sector[..440].ContainsAnyExcept((byte)0);
        var entries = new MbrEntry[4];
        for (var i = 0; i < 4; i++)
        {
            var e = sector.Slice(EntriesOffset + (i * 16), 16);
            entries[i] = new MbrEntry(e[0], e[4], BinaryPrimitives.ReadUInt32LittleEndian(e[8..]), BinaryPrimitives.ReadUInt32LittleEndian(e[12..]));
        }

        Entries = entries;
    }

    public bool HasSignature { get; }

    public uint DiskSignature { get; }

    public bool HasBootCode { get; }

    public IReadOnlyList<MbrEntry> Entries { get; }

    /// <summary>Status bytes are 0x00 or 0x80 only: anything else is not a partition table (e.g. a FAT or NTFS boot sector).</summary>
    public bool HasValidStatusBytes => Entries.All(e => e.Status is 0x00 or 0x80);

    public bool HasGptProtectiveEntry => Entries.Any(e => e.Type == 0xEE);

    public static MbrSector Parse(ReadOnlySpan<byte> sector) => new(sector);
}

internal readonly record struct MbrEntry(byte Status, byte Type, uint FirstLba, uint SectorCount)
{
    public bool IsEmpty => Type == 0 || SectorCount == 0;

    public bool IsActive => Status == 0x80;
}

using System.Buffers.Binary;

namespace Vmie.Guest.FileSystems.Fat;

/// <summary>
/// A 32-byte short directory entry (Microsoft FAT specification §6: DIR_Name, DIR_Attr, DIR_NTRes case
/// bits, DIR_FstClusHI/LO, DIR_WrtTime/Date §6.3, DIR_FileSize) with the name a reader shows for it.
/// </summary>
internal sealed record FatDirectoryRecord
{
    public const int Size32 = 32;
    public const byte ReadOnly = 0x01;
    public const byte Hidden = 0x02;
    public const byte SystemFile = 0x04;
    public const byte VolumeId = 0x08;
    public const byte DirectoryFlag = 0x10;
    public const byte LongNameMask = ReadOnly | Hidden | SystemFile | VolumeId;

    public required string Name { get; init; }

    public required string ShortName { get; init; }

    public required byte Attributes { get; init; }

    public required uint FirstCluster { get; init; }

    public required long Size { get; init; }

    public DateTimeOffset? ModifiedTime { get; init; }

    public bool IsDirectory => (Attributes & DirectoryFlag) != 0;

    public static FatDirectoryRecord Parse(ReadOnlySpan<byte> entry, string? longName, bool fat32)
    {
        var shortName = FatShortName.Decode(entry, entry[12]);
        var high = fat32 ? BinaryPrimitives.ReadUInt16LittleEndian(entry[20..]) : 0u;
        return new FatDirectoryRecord
        {
            Name = longName ?? shortName,
            ShortName = shortName,
            Attributes = entry[11],
            FirstCluster = (high << 16) | BinaryPrimitives.ReadUInt16LittleEndian(entry[26..]),
            Size = BinaryPrimitives.ReadUInt32LittleEndian(entry[28..]),
            ModifiedTime = DosTime(BinaryPrimitives.ReadUInt16LittleEndian(entry[24..]), BinaryPrimitives.ReadUInt16LittleEndian(entry[22..])),
        };
    }

    /// <summary>A DOS date and time (local time of the writer, zone unknown: shown as UTC), or null when invalid.</summary>
    private static DateTimeOffset? DosTime(ushort date, ushort time)
    {
        var year = 1980 + (date >> 9);
        var month = (date >> 5) & 0x0F;
        var day = date & 0x1F;
        var hour = time >> 11;
        var minute = (time >> 5) & 0x3F;
        var second = (time & 0x1F) * 2;
        if (month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 59)
        {
            return null;
        }

        return new DateTimeOffset(year, month, day, hour, minute, second, TimeSpan.Zero);
    }
}

using System.Buffers.Binary;
using System.IO.Hashing;

namespace Vmie.Guest.Volumes.Partitions;

/// <summary>
/// A GPT header (UEFI spec §5.3.2): "EFI PART", revision, header size, header CRC-32 (computed with the field
/// zeroed), this header's LBA, the other header's LBA, first and last usable LBA, disk GUID, entry array LBA,
/// entry count, entry size and the entry array's CRC-32.
/// </summary>
internal sealed record GptHeader(
    long MyLba,
    long AlternateLba,
    long FirstUsableLba,
    long LastUsableLba,
    Guid DiskGuid,
    long EntriesLba,
    int EntryCount,
    int EntrySize,
    uint EntriesCrc)
{
    /// <summary>Entry arrays larger than this are refused: the spec's minimum is 16 KiB, real tools write 16-32 KiB.</summary>
    public const int MaxEntryArrayBytes = 1 << 20;
    public const int MaxEntryCount = 4096;
    public static ReadOnlySpan<byte> Signature => "EFI PART"u8;

    /// <summary>Parses and checks a header sector; returns null and the reason when it is not a usable header.</summary>
    public static GptHeader? TryParse(ReadOnlySpan<byte> sector, long expectedLba, long diskSectors, out string problem)
    {
        if (!sector.StartsWith(Signature))
        {
            problem = "no \"EFI PART\" signature";
            return null;
        }

        var headerSize = BinaryPrimitives.ReadUInt32LittleEndian(sector[12..]);
        if (headerSize < 92 || headerSize > sector.Length)
        {
            problem = $"header size {headerSize} is invalid";
            return null;
        }

        var copy = sector[..(int)headerSize].ToArray();
        var storedCrc = BinaryPrimitives.ReadUInt32LittleEndian(copy.AsSpan(16));
        copy.AsSpan(16, 4).Clear();
        var actualCrc = Crc32.HashToUInt32(copy);
        if (storedCrc != actualCrc)
        {
            problem = $"header CRC-32 mismatch (stored 0x{storedCrc:X8}, computed 0x{actualCrc:X8})";
            return null;
        }

        var myLba = BinaryPrimitives.ReadUInt64LittleEndian(sector[24..]);
        var alternateLba = BinaryPrimitives.ReadUInt64LittleEndian(sector[32..]);
        var firstUsable = BinaryPrimitives.ReadUInt64LittleEndian(sector[40..]);
        var lastUsable = BinaryPrimitives.ReadUInt64LittleEndian(sector[48..]);
        var entriesLba = BinaryPrimitives.ReadUInt64LittleEndian(sector[72..]);
        var entryCount = BinaryPrimitives.ReadUInt32LittleEndian(sector[80..]);
        var entrySize = BinaryPrimitives.ReadUInt32LittleEndian(sector[84..]);
        if (myLba != (ulong)expectedLba)
        {
            problem = $"it says it lies at LBA {myLba}, not {expectedLba}";
            return null;
        }

        if (entrySize < 128 || entrySize > 4096 || entrySize % 8 != 0)
        {
            problem = $"partition entry size {entrySize} is invalid";
            return null;
        }

        if (entryCount > MaxEntryCount || entryCount * (ulong)entrySize > MaxEntryArrayBytes)
        {
            problem = $"{entryCount} partition entries of {entrySize} bytes is beyond any sane table";
            return null;
        }

        var arraySectors = (entryCount * (ulong)entrySize + (ulong)sector.Length - 1) / (ulong)sector.Length;
        if (entriesLba < 2 || entriesLba >= (ulong)diskSectors || entriesLba + arraySectors > (ulong)diskSectors)
        {
            problem = $"the partition entry array at LBA {entriesLba} lies outside the disk";
            return null;
        }

        if (firstUsable > lastUsable || lastUsable >= (ulong)diskSectors)
        {
            problem = $"usable LBAs {firstUsable}-{lastUsable} do not fit the disk ({diskSectors} sectors)";
            return null;
        }

        problem = "";
        return new GptHeader(
            (long)myLba,
            (long)alternateLba,
            (long)firstUsable,
            (long)lastUsable,
            new Guid(sector.Slice(56, 16)),
            (long)entriesLba,
            (int)entryCount,
            (int)entrySize,
            BinaryPrimitives.ReadUInt32LittleEndian(sector[88..]));
    }
}

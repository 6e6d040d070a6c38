using System.Buffers.Binary;

namespace Vmie.Guest.FileSystems.Fat;

/// <summary>
/// Collects the VFAT long-name entries that precede a short entry (Microsoft FAT specification §7): they
/// come last part first, numbered down to 1 with 0x40 on the first seen, each holding 13 UTF-16 units and
/// the checksum of the short name they belong to. A broken sequence or a checksum that does not match the
/// short entry leaves the short name, as Windows and Linux do.
/// </summary>
internal sealed class FatLongName
{
    private const byte LastEntryFlag = 0x40;
    private const int MaxEntries = 20;
    private const int CharsPerEntry = 13;
    private static readonly int[] CharOffsets = [1, 3, 5, 7, 9, 14, 16, 18, 20, 22, 24, 28, 30];

    private readonly char[] _chars = new char[MaxEntries * CharsPerEntry];
    private int _expected;
    private byte _checksum;
    private int _entries;

    /// <summary>Takes one long-name entry (attribute 0x0F).</summary>
    public void Add(ReadOnlySpan<byte> entry)
    {
        var ordinal = entry[0];
        var sequence = ordinal & ~LastEntryFlag;
        if ((ordinal & LastEntryFlag) != 0)
        {
            // The first entry of a new name: whatever was being collected is orphaned.
            Reset();
            if (sequence is < 1 or > MaxEntries)
            {
                return;
            }

            _entries = sequence;
            _checksum = entry[13];
        }
        else if (_expected == 0 || sequence != _expected || entry[13] != _checksum)
        {
            Reset();
            return;
        }

        var start = (sequence - 1) * CharsPerEntry;
        for (var i = 0; i < CharsPerEntry; i++)
        {
            _chars[start + i] = (char)BinaryPrimitives.ReadUInt16LittleEndian(entry[CharOffsets[i]..]);
        }

        _expected = sequence - 1;
    }

    /// <summary>The long name for the short entry that follows, or null to use the short name. Resets.</summary>
    public string? Complete(ReadOnlySpan<byte> shortEntry)
    {
        if (_entries == 0 || _expected != 0 || FatShortName.Checksum(shortEntry) != _checksum)
        {
            Reset();
            return null;
        }

        var chars = _chars.AsSpan(0, _entries * CharsPerEntry);
        var end = chars.IndexOf('\0');
        var name = new string(end < 0 ? chars : chars[..end]);
        Reset();
        return name is "" or "." or ".." || name.Contains('/') ? null : name;
    }

    public void Reset()
    {
        _expected = 0;
        _entries = 0;
        _checksum = 0;
    }
}

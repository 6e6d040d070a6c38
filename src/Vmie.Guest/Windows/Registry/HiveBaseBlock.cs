using System.Buffers.Binary;
using System.Text;

namespace Vmie.Guest.Windows.Registry;

/// <summary>
/// The 4096-byte base block at the start of a regf file (Windows registry file format, "Base block"):
/// signature "regf", primary and secondary sequence numbers (equal when the last write completed), format
/// version, root cell offset and hive bins data size (both relative to the first hive bin at byte 4096),
/// and an XOR checksum of the first 508 bytes stored at byte 508.
/// </summary>
internal sealed class HiveBaseBlock
{
    public const int Size = 4096;
    private const int ChecksumOffset = 508;

    /// <summary>The largest FILETIME a DateTime can hold (9999-12-31).</summary>
    private const long MaxFileTime = 2650467743999999999;

    private HiveBaseBlock()
    {
    }

    public uint PrimarySequence { get; private init; }

    public uint SecondarySequence { get; private init; }

    public DateTimeOffset? LastWritten { get; private init; }

    public uint MajorVersion { get; private init; }

    public uint MinorVersion { get; private init; }

    public uint RootCellOffset { get; private init; }

    public uint HiveBinsDataSize { get; private init; }

    /// <summary>The embedded file name (the last characters of the hive's path as Windows saved it).</summary>
    public string FileName { get; private init; } = "";

    public bool IsDirty => PrimarySequence != SecondarySequence;

    /// <summary>Format 1.4 and later store values above 16344 bytes as "db" big data; 1.3 in one cell.</summary>
    public bool HasBigData => MinorVersion >= 4;

    public static HiveBaseBlock Parse(ReadOnlySpan<byte> block, long fileLength)
    {
        if (block.Length < Size)
        {
            throw new CorruptHiveException($"The hive holds {block.Length} bytes, less than its 4096-byte base block.");
        }

        if (!block[..4].SequenceEqual("regf"u8))
        {
            throw new CorruptHiveException("The hive does not start with the \"regf\" signature.");
        }

        var stored = BinaryPrimitives.ReadUInt32LittleEndian(block[ChecksumOffset..]);
        var computed = Checksum(block);
        if (stored != computed)
        {
            throw new CorruptHiveException($"The base block checksum is 0x{stored:x8}; its first 508 bytes give 0x{computed:x8}.");
        }

        var major = BinaryPrimitives.ReadUInt32LittleEndian(block[20..]);
        var minor = BinaryPrimitives.ReadUInt32LittleEndian(block[24..]);
        if (major != 1 || minor < 2 || minor > 6)
        {
            throw new CorruptHiveException($"Hive format version {major}.{minor} is not one Windows writes (1.2 to 1.6).");
        }

        var fileType = BinaryPrimitives.ReadUInt32LittleEndian(block[28..]);
        if (fileType != 0)
        {
            throw new CorruptHiveException($"The file is a transaction log (file type {fileType}), not a primary hive file.");
        }

        var binsSize = BinaryPrimitives.ReadUInt32LittleEndian(block[40..]);
        if (binsSize == 0 || binsSize % 4096 != 0)
        {
            throw new CorruptHiveException($"The hive bins data size {binsSize} is not a positive multiple of 4096.");
        }

        if (binsSize > fileLength - Size)
        {
            throw new CorruptHiveException($"The hive is truncated: its base block declares {binsSize} bytes of hive bins, the file holds {fileLength - Size}.");
        }

        var root = BinaryPrimitives.ReadUInt32LittleEndian(block[36..]);
        if (root >= binsSize)
        {
            throw new CorruptHiveException($"The root cell offset 0x{root:x} lies outside the {binsSize} bytes of hive bins.");
        }

        var fileTime = BinaryPrimitives.ReadInt64LittleEndian(block[12..]);
        return new HiveBaseBlock
        {
            PrimarySequence = BinaryPrimitives.ReadUInt32LittleEndian(block[4..]),
            SecondarySequence = BinaryPrimitives.ReadUInt32LittleEndian(block[8..]),
            LastWritten = FileTime(fileTime),
            MajorVersion = major,
            MinorVersion = minor,
            RootCellOffset = root,
            HiveBinsDataSize = binsSize,
            FileName = Encoding.Unicode.GetString(block.Slice(48, 64)).TrimEnd('\0'),
        };
    }

    /// <summary>XOR of the 127 little-endian dwords before the checksum; 0 and 0xFFFFFFFF are stored as 1 and 0xFFFFFFFE.</summary>
    public static uint Checksum(ReadOnlySpan<byte> block)
    {
        uint sum = 0;
        for (var i = 0; i < ChecksumOffset; i += 4)
        {
            sum ^= BinaryPrimitives.ReadUInt32LittleEndian(block[i..]);
        }

        return sum switch
        {
            0 => 1,
            uint.MaxValue => uint.MaxValue - 1,
            _ => sum,
        };
    }

    /// <summary>A FILETIME (100 ns ticks since 1601) as a date, or null when it is zero or out of range.</summary>
    public static DateTimeOffset? FileTime(long ticks) =>
        ticks > 0 && ticks <= MaxFileTime ? new DateTimeOffset(DateTime.FromFileTimeUtc(ticks)) : null;
}

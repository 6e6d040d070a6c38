using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Vmie.Guest.FileSystems.Ntfs;

/// <summary>
/// A $REPARSE_POINT value: tag (0x00), data length (0x04), then for symbolic links (tag 0xA000000C) and
/// junctions / mount points (0xA0000003) the substitute and print names' offsets and lengths (0x08–0x0E),
/// a flags word for symbolic links only (0x10, 1 = relative), and the UTF-16 path buffer after it.
/// </summary>
internal sealed record NtfsReparsePoint(uint Tag, string? SubstituteName, bool IsRelative)
{
    public const uint SymbolicLinkTag = 0xA000000C;
    public const uint MountPointTag = 0xA0000003;
    public const int MaxSize = 16 << 10;

    public bool IsLink => Tag is SymbolicLinkTag or MountPointTag;

    public static NtfsReparsePoint Parse(ReadOnlySpan<byte> data, string what)
    {
        if (data.Length < 8)
        {
            throw new CorruptFileSystemException($"NTFS {what}: a $REPARSE_POINT of {data.Length} bytes.");
        }

        var tag = BinaryPrimitives.ReadUInt32LittleEndian(data);
        if (tag is not (SymbolicLinkTag or MountPointTag))
        {
            return new NtfsReparsePoint(tag, null, false);
        }

        var bufferStart = tag == SymbolicLinkTag ? 0x14 : 0x10;
        int dataLength = BinaryPrimitives.ReadUInt16LittleEndian(data[4..]);
        if (data.Length < bufferStart || 8 + dataLength > data.Length)
        {
            throw new CorruptFileSystemException($"NTFS {what}: a link reparse point of {data.Length} bytes.");
        }

        int offset = BinaryPrimitives.ReadUInt16LittleEndian(data[8..]);
        int length = BinaryPrimitives.ReadUInt16LittleEndian(data[10..]);
        if (length == 0 || length % 2 != 0 || bufferStart + offset + length > 8 + dataLength)
        {
            throw new CorruptFileSystemException($"NTFS {what}: a link target at {offset}+{length} outside its reparse data.");
        }

        var relative = tag == SymbolicLinkTag && (BinaryPrimitives.ReadUInt32LittleEndian(data[0x10..]) & 1) != 0;
        var name = new string(MemoryMarshal.Cast<byte, char>(data.Slice(bufferStart + offset, length)));
        return new NtfsReparsePoint(tag, name, relative);
    }

    /// <summary>
    /// The target as a guest path: relative links keep their relative form, "\??\C:\Windows" becomes
    /// "/Windows" when C: is <paramref name="driveLetter"/> (this volume); null when the target lies elsewhere
    /// (another drive, a volume GUID, a network share).
    /// </summary>
    public string? GuestTarget(char driveLetter)
    {
        if (SubstituteName is not { } name)
        {
            return null;
        }

        if (IsRelative)
        {
            return name.Replace('\\', '/');
        }

        if (name.StartsWith(@"\??\", StringComparison.Ordinal))
        {
            name = name[4..];
        }

        if (name.Length >= 2 && char.IsAsciiLetter(name[0]) && name[1] == ':' && (name.Length == 2 || name[2] == '\\'))
        {
            return char.ToUpperInvariant(name[0]) == char.ToUpperInvariant(driveLetter) ? "/" + name[2..].TrimStart('\\').Replace('\\', '/') : null;
        }

        return name.StartsWith('\\') && !name.StartsWith(@"\\", StringComparison.Ordinal) ? name.Replace('\\', '/') : null;
    }
}

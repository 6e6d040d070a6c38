using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Vmie.Guest.FileSystems.Ntfs;

/// <summary>
/// A $FILE_NAME value (also the key of $I30 index entries): parent reference (0x00), times, sizes, flags
/// (0x38: 0x10000000 directory, 0x400 reparse point), name length in UTF-16 units (0x40), namespace (0x41:
/// 0 POSIX, 1 Win32, 2 DOS, 3 Win32 and DOS), name (0x42).
/// </summary>
internal sealed record NtfsFileName(long ParentRecord, byte Namespace, string Name)
{
    public const byte DosNamespace = 2;

    /// <summary>True for an 8.3 name that shadows a long name listed under its own entry.</summary>
    public bool IsDosOnly => Namespace == DosNamespace;

    public static NtfsFileName Parse(ReadOnlySpan<byte> value, string what)
    {
        if (value.Length < 0x42)
        {
            throw new CorruptFileSystemException($"NTFS {what}: a $FILE_NAME of {value.Length} bytes.");
        }

        int length = value[0x40];
        if (length == 0 || 0x42 + (2 * length) > value.Length || value[0x41] > 3)
        {
            throw new CorruptFileSystemException($"NTFS {what}: a $FILE_NAME with name length {length} and namespace {value[0x41]} in {value.Length} bytes.");
        }

        var name = new string(MemoryMarshal.Cast<byte, char>(value.Slice(0x42, 2 * length)));
        if (name.Contains('/') || name.Contains('\0'))
        {
            throw new CorruptFileSystemException($"NTFS {what}: a file name holding '/' or NUL.");
        }

        return new NtfsFileName((long)(BinaryPrimitives.ReadUInt64LittleEndian(value) & 0xFFFF_FFFF_FFFF), value[0x41], name);
    }
}

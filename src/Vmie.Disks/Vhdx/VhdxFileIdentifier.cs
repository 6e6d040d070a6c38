using System.Buffers.Binary;
using System.Text;

namespace Vmie.Disks.Vhdx;

/// <summary>
/// The file type identifier ([MS-VHDX] 2.2.1): the first 64 KiB of the file, holding the "vhdxfile"
/// signature and the creator's name (UTF-16LE, at most 256 characters, informational only).
/// </summary>
internal static class VhdxFileIdentifier
{
    public const ulong Signature = 0x656C696678646876; // "vhdxfile"
    public const int Size = 64 * 1024;

    private const int CreatorOffset = 8;
    private const int CreatorBytes = 512;

    public static void WriteTo(Span<byte> destination, string creator)
    {
        destination[..Size].Clear();
        BinaryPrimitives.WriteUInt64LittleEndian(destination, Signature);
        var encoded = Encoding.Unicode.GetBytes(creator);
        if (encoded.Length > CreatorBytes)
        {
            throw new ArgumentException($"A VHDX creator name holds at most {CreatorBytes / 2} UTF-16 characters.", nameof(creator));
        }

        encoded.CopyTo(destination[CreatorOffset..]);
    }
}

using System.Buffers.Binary;
using Vmie.Guest.FileSystems;

namespace Vmie.Guest.Windows;

/// <summary>
/// The machine field of a PE image (Microsoft PE/COFF specification: MS-DOS stub "MZ" with e_lfanew at 0x3C,
/// then the "PE\0\0" signature and the COFF file header whose first field is Machine).
/// </summary>
public static class PortableExecutableHeader
{
    /// <summary>Where e_lfanew may point: real images put the PE header within the first few hundred bytes.</summary>
    private const int MaxHeaderOffset = 64 * 1024;

    /// <summary>The Machine field of the file at <paramref name="path"/>, or null when it is missing or not a PE image.</summary>
    public static async ValueTask<ushort?> ReadMachineAsync(GuestFiles files, string path, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(files);
        var node = await files.FindAsync(path, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (node is not { Kind: GuestNodeKind.File } || node.Size < 0x40)
        {
            return null;
        }

        var dos = new byte[0x40];
        if (await ReadExactAsync(files.FileSystem, node, 0, dos, cancellationToken).ConfigureAwait(false) < dos.Length || !dos.AsSpan(0, 2).SequenceEqual("MZ"u8))
        {
            return null;
        }

        var peOffset = BinaryPrimitives.ReadUInt32LittleEndian(dos.AsSpan(0x3C));
        if (peOffset > MaxHeaderOffset || peOffset + 6 > node.Size)
        {
            return null;
        }

        var pe = new byte[6];
        if (await ReadExactAsync(files.FileSystem, node, peOffset, pe, cancellationToken).ConfigureAwait(false) < pe.Length || !pe.AsSpan(0, 4).SequenceEqual("PE\0\0"u8))
        {
            return null;
        }

        return BinaryPrimitives.ReadUInt16LittleEndian(pe.AsSpan(4));
    }

    /// <summary>The architecture a PE machine value stands for, or null for one Windows inspection does not know.</summary>
    public static WindowsArchitecture? ToArchitecture(ushort machine) => machine switch
    {
        0x014C => WindowsArchitecture.X86,
        0x8664 => WindowsArchitecture.X64,
        0xAA64 => WindowsArchitecture.Arm64,
        _ => null,
    };

    private static async ValueTask<int> ReadExactAsync(IGuestFileSystem fileSystem, GuestNode node, long offset, byte[] buffer, CancellationToken cancellationToken)
    {
        var filled = 0;
        while (filled < buffer.Length)
        {
            var read = await fileSystem.ReadAsync(node, offset + filled, buffer.AsMemory(filled), cancellationToken).ConfigureAwait(false);
            if (read <= 0)
            {
                break;
            }

            filled += read;
        }

        return filled;
    }
}

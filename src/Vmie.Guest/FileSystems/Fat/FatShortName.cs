using System.Text;

namespace Vmie.Guest.FileSystems.Fat;

/// <summary>
/// An 8.3 short name (Microsoft FAT specification §6.1 DIR_Name, §7.2 checksum): 8 + 3 space-padded bytes
/// in the OEM code page, shown lower case where Windows NT's case bits (DIR_NTRes 0x08 base, 0x10
/// extension) say so, as Linux and mtools show them.
/// </summary>
internal static class FatShortName
{
    private const byte LowerCaseBase = 0x08;
    private const byte LowerCaseExtension = 0x10;

    /// <summary>Code page 437, the OEM code page of the PC and the default of Linux's codepage= mount option.</summary>
    public static readonly Encoding Encoding = CodePagesEncodingProvider.Instance.GetEncoding(437) ?? Encoding.ASCII;

    public static string Decode(ReadOnlySpan<byte> name11, byte caseFlags)
    {
        Span<byte> raw = stackalloc byte[11];
        name11[..11].CopyTo(raw);

        // 0x05 stands for a leading 0xE5, which would otherwise mark the entry deleted (§6.1).
        if (raw[0] == 0x05)
        {
            raw[0] = 0xE5;
        }

        var baseName = Encoding.GetString(raw[..8].TrimEnd((byte)' '));
        var extension = Encoding.GetString(raw[8..].TrimEnd((byte)' '));
        if ((caseFlags & LowerCaseBase) != 0)
        {
            baseName = baseName.ToLowerInvariant();
        }

        if ((caseFlags & LowerCaseExtension) != 0)
        {
            extension = extension.ToLowerInvariant();
        }

        return extension.Length == 0 ? baseName : baseName + "." + extension;
    }

    /// <summary>The checksum each long-name entry carries of the short name it belongs to.</summary>
    public static byte Checksum(ReadOnlySpan<byte> name11)
    {
        byte sum = 0;
        foreach (var b in name11[..11])
        {
            sum = (byte)((((sum & 1) << 7) | (sum >> 1)) + b);
        }

        return sum;
    }
}

using System.Text;

namespace Vmie.Api.Auth.SigV4;

/// <summary>Percent-decoding and the RFC 3986 encoding SigV4 prescribes (unreserved characters kept, every
/// other byte as %XX with upper-case hex).</summary>
internal static class UriEncoding
{
    private const string HexDigits = "0123456789ABCDEF";

    public static bool IsUnreserved(byte b) =>
        b is (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'a' and <= (byte)'z') or (>= (byte)'0' and <= (byte)'9')
            or (byte)'-' or (byte)'.' or (byte)'_' or (byte)'~';

    /// <summary>Encodes the UTF-8 bytes of <paramref name="text"/> as they are (no decoding first).</summary>
    public static void AppendEncoded(StringBuilder builder, string text) => AppendEncoded(builder, Encoding.UTF8.GetBytes(text));

    public static void AppendEncoded(StringBuilder builder, ReadOnlySpan<byte> bytes)
    {
        foreach (var b in bytes)
        {
            if (IsUnreserved(b))
            {
                builder.Append((char)b);
            }
            else
            {
                builder.Append('%').Append(HexDigits[b >> 4]).Append(HexDigits[b & 0xF]);
            }
        }
    }

    public static string Encode(ReadOnlySpan<byte> bytes)
    {
        var builder = new StringBuilder(bytes.Length * 3);
        AppendEncoded(builder, bytes);
        return builder.ToString();
    }

    /// <summary>Decodes %XX sequences to bytes; other characters contribute their UTF-8 bytes and a '%' not
    /// followed by two hex digits stays literal. '+' is not a space here: SigV4 follows RFC 3986.</summary>
    public static byte[] PercentDecode(string text)
    {
        var raw = Encoding.UTF8.GetBytes(text);
        if (Array.IndexOf(raw, (byte)'%') < 0)
        {
            return raw;
        }

        var decoded = new byte[raw.Length];
        var length = 0;
        for (var i = 0; i < raw.Length; i++)
        {
            if (raw[i] == (byte)'%' && i + 2 < raw.Length && IsHex(raw[i + 1]) && IsHex(raw[i + 2]))
            {
                decoded[length++] = (byte)((HexValue(raw[i + 1]) << 4) | HexValue(raw[i + 2]));
                i += 2;
            }
            else
            {
                decoded[length++] = raw[i];
            }
        }

        return decoded[..length];
    }

    public static string PercentDecodeToString(string text) => Encoding.UTF8.GetString(PercentDecode(text));

    private static bool IsHex(byte b) => char.IsAsciiHexDigit((char)b);

    private static int HexValue(byte b) => b <= '9' ? b - '0' : (b | 0x20) - 'a' + 10;
}

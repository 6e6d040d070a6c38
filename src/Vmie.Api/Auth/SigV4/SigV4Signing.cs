using System.Security.Cryptography;
using System.Text;

namespace Vmie.Api.Auth.SigV4;

/// <summary>The cryptographic steps of SigV4: key derivation, string to sign, signature.</summary>
internal static class SigV4Signing
{
    public const string Algorithm = "AWS4-HMAC-SHA256";
    public const string Terminator = "aws4_request";

    public static byte[] DeriveSigningKey(string secretAccessKey, string date, string region, string service)
    {
        ArgumentNullException.ThrowIfNull(secretAccessKey);
        var key = Encoding.UTF8.GetBytes("AWS4" + secretAccessKey);
        try
        {
            var dateKey = Hmac(key, date);
            var regionKey = Hmac(dateKey, region);
            var serviceKey = Hmac(regionKey, service);
            return Hmac(serviceKey, Terminator);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    public static string BuildStringToSign(string timestamp, string scope, string canonicalRequest) =>
        $"{Algorithm}\n{timestamp}\n{scope}\n{Sha256Hex(canonicalRequest)}";

    public static byte[] Sign(ReadOnlySpan<byte> signingKey, string stringToSign) =>
        HMACSHA256.HashData(signingKey, Encoding.UTF8.GetBytes(stringToSign));

    public static string Sha256Hex(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    /// <summary>Compares a hex signature sent by a client with the computed bytes, in constant time.</summary>
    public static bool SignatureEquals(string? providedHex, ReadOnlySpan<byte> computed)
    {
        if (providedHex is null || providedHex.Length != computed.Length * 2)
        {
            return false;
        }

        Span<byte> provided = stackalloc byte[computed.Length];
        return Convert.FromHexString(providedHex, provided, out _, out var written) == System.Buffers.OperationStatus.Done
            && written == computed.Length
            && CryptographicOperations.FixedTimeEquals(provided, computed);
    }

    private static byte[] Hmac(byte[] key, string data) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(data));
}

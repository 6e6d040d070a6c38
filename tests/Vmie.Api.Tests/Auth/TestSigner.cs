using System.Security.Cryptography;
using System.Text;

namespace Vmie.Api.Tests.Auth;

/// <summary>
/// A deliberately plain SigV4 signer for tests, independent of the production code: the caller gives the
/// canonical URI and query already in canonical form, and header values already canonical.
/// </summary>
internal static class TestSigner
{
    public static byte[] SigningKey(string secret, string date, string region, string service)
    {
        var key = Hmac(Encoding.UTF8.GetBytes("AWS4" + secret), date);
        key = Hmac(key, region);
        key = Hmac(key, service);
        return Hmac(key, "aws4_request");
    }

    public static string Sign(
        string secret,
        string timestamp,
        string region,
        string service,
        string method,
        string canonicalUri,
        string canonicalQuery,
        IEnumerable<(string Name, string Value)> signedHeaders,
        string payloadHash)
    {
        var headers = signedHeaders.OrderBy(h => h.Name, StringComparer.Ordinal).ToList();
        var canonical = new StringBuilder()
            .Append(method).Append('\n')
            .Append(canonicalUri).Append('\n')
            .Append(canonicalQuery).Append('\n');
        foreach (var (name, value) in headers)
        {
            canonical.Append(name).Append(':').Append(value).Append('\n');
        }

        canonical.Append('\n').Append(string.Join(';', headers.Select(h => h.Name))).Append('\n').Append(payloadHash);
        var date = timestamp[..8];
        var stringToSign = $"AWS4-HMAC-SHA256\n{timestamp}\n{date}/{region}/{service}/aws4_request\n{Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonical.ToString())))}";
        return Hex(Hmac(SigningKey(secret, date, region, service), stringToSign));
    }

    public static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);

    public static byte[] Hmac(byte[] key, string data) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(data));
}

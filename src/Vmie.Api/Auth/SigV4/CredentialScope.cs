using System.Globalization;

namespace Vmie.Api.Auth.SigV4;

/// <summary>The Credential value of a SigV4 signature: AKID/yyyyMMdd/region/service/aws4_request.</summary>
internal readonly record struct CredentialScope(string AccessKeyId, string Date, string Region, string Service)
{
    public const string ExpectedForm = "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request";

    public static bool TryParse(string value, out CredentialScope scope)
    {
        scope = default;
        var parts = value.Split('/');
        if (parts.Length != 5
            || parts[0].Length == 0
            || parts[2].Length == 0
            || parts[3].Length == 0
            || parts[4] != SigV4Signing.Terminator
            || !DateOnly.TryParseExact(parts[1], "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
        {
            return false;
        }

        scope = new CredentialScope(parts[0], parts[1], parts[2], parts[3]);
        return true;
    }

    /// <summary>The scope as it appears in the string to sign (without the access key id).</summary>
    public override string ToString() => $"{Date}/{Region}/{Service}/{SigV4Signing.Terminator}";
}

namespace Vmie.Api.Auth.SigV4;

/// <summary>One name=value pair of a raw query string, kept raw and decoded.</summary>
internal sealed record QueryParameter(string RawName, string RawValue, string Name, string Value)
{
    /// <summary>Splits a raw query on '&amp;'; empty pieces are skipped, a piece without '=' has an empty value.</summary>
    public static List<QueryParameter> ParseAll(string rawQuery)
    {
        var parameters = new List<QueryParameter>();
        foreach (var piece in rawQuery.Split('&'))
        {
            if (piece.Length == 0)
            {
                continue;
            }

            var equals = piece.IndexOf('=', StringComparison.Ordinal);
            var rawName = equals < 0 ? piece : piece[..equals];
            var rawValue = equals < 0 ? string.Empty : piece[(equals + 1)..];
            parameters.Add(new QueryParameter(
                rawName,
                rawValue,
                UriEncoding.PercentDecodeToString(rawName),
                UriEncoding.PercentDecodeToString(rawValue)));
        }

        return parameters;
    }
}

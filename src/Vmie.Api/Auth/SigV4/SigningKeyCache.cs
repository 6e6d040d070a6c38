using System.Collections.Concurrent;

namespace Vmie.Api.Auth.SigV4;

/// <summary>
/// Derived signing keys per secret/date/region/service: a key is valid for a whole day, and deriving it
/// costs four HMACs. Bounded: the cache is emptied when it grows past <see cref="MaxEntries"/>.
/// </summary>
internal sealed class SigningKeyCache
{
    public const int MaxEntries = 4096;

    private readonly ConcurrentDictionary<(string Secret, string Date, string Region, string Service), byte[]> _keys = new();

    public int Count => _keys.Count;

    public ReadOnlyMemory<byte> Get(string secretAccessKey, string date, string region, string service)
    {
        var cacheKey = (secretAccessKey, date, region, service);
        if (_keys.TryGetValue(cacheKey, out var cached))
        {
            return cached;
        }

        if (_keys.Count >= MaxEntries)
        {
            _keys.Clear();
        }

        var derived = SigV4Signing.DeriveSigningKey(secretAccessKey, date, region, service);
        return _keys.GetOrAdd(cacheKey, derived);
    }
}

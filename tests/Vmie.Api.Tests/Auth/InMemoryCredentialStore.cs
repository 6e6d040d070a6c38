using Vmie.Api.Auth.Credentials;

namespace Vmie.Api.Tests.Auth;

internal sealed class InMemoryCredentialStore : ICredentialStore
{
    private readonly Dictionary<string, AccessCredential> _credentials = new(StringComparer.Ordinal);

    public InMemoryCredentialStore(params (string AccessKeyId, string Secret)[] keys)
    {
        foreach (var (accessKeyId, secret) in keys)
        {
            _credentials[accessKeyId] = new AccessCredential(accessKeyId, secret, "123456789012", "arn:aws:iam::123456789012:user/test");
        }
    }

    public int Lookups { get; private set; }

    public AccessCredential? Find(string accessKeyId)
    {
        Lookups++;
        return _credentials.GetValueOrDefault(accessKeyId);
    }
}

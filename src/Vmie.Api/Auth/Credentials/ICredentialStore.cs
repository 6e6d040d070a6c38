namespace Vmie.Api.Auth.Credentials;

/// <summary>Finds the secret behind an access key id.</summary>
public interface ICredentialStore
{
    /// <returns>null when the access key is unknown.</returns>
    AccessCredential? Find(string accessKeyId);
}

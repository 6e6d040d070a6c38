namespace Vmie.Api.Auth.Credentials;

/// <summary>An access key pair and the account and principal it belongs to.</summary>
public sealed record AccessCredential(string AccessKeyId, string SecretAccessKey, string AccountId, string PrincipalArn)
{
    /// <summary>Never print the secret, not even by accident through a record's ToString.</summary>
    public override string ToString() => $"AccessCredential {{ AccessKeyId = {AccessKeyId}, AccountId = {AccountId}, PrincipalArn = {PrincipalArn} }}";
}

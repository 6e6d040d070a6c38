using Vmie.Api.Auth.Credentials;

namespace Vmie.Api.Auth;

/// <summary>
/// The verified identity of a request, set as an HttpContext feature by the authentication step
/// (context.Features.Get&lt;AuthenticatedCaller&gt;()).
/// </summary>
/// <param name="Region">Region of the SigV4 credential scope.</param>
/// <param name="Service">Service of the SigV4 credential scope (ec2, s3...).</param>
public sealed record AuthenticatedCaller(AccessCredential Credential, string Region, string Service)
{
    public string AccountId => Credential.AccountId;
}

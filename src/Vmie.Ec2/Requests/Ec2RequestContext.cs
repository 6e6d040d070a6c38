namespace Vmie.Ec2.Requests;

/// <summary>Who is calling, where, and how to refer back to this vmie (for presigned URLs).</summary>
/// <param name="AccountId">12-digit account of the authenticated caller.</param>
/// <param name="Region">Region from the request's credential scope.</param>
/// <param name="AccessKeyId">Access key that signed the request.</param>
/// <param name="RequestId">Identifier echoed in the response.</param>
public sealed record Ec2RequestContext(string AccountId, string Region, string AccessKeyId, string RequestId);

namespace Vmie.Api.Protocols.Ec2Query.Binding;

/// <summary>A request object filled from the query parameters, and whether DryRun=true was asked.</summary>
internal sealed record BoundRequest(object Request, bool DryRun);

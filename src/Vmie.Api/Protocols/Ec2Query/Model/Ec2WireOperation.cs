namespace Vmie.Api.Protocols.Ec2Query.Model;

/// <summary>An EC2 action with its input shape and, unless it answers only "return true", its output shape.</summary>
public sealed record Ec2WireOperation(string Name, WireShape? Input, WireShape? Output);

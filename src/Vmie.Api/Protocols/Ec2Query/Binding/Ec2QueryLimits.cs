namespace Vmie.Api.Protocols.Ec2Query.Binding;

/// <summary>Bounds on a request's parameters, so hostile input fails fast instead of exhausting the server.</summary>
/// <param name="MaxParameters">Most parameters one request may carry (protocol parameters excluded).</param>
/// <param name="MaxListEntries">Most entries of one list, e.g. ImportTaskId.1 ... ImportTaskId.N.</param>
/// <param name="MaxKeyLength">Longest parameter name; the longest EC2 names are far below it.</param>
public sealed record Ec2QueryLimits(int MaxParameters = 2000, int MaxListEntries = 1000, int MaxKeyLength = 256)
{
    public static Ec2QueryLimits Default { get; } = new();
}

namespace Vmie.Ec2.Contracts.Common;

/// <summary>One filter of a Describe call: a name and the values it accepts (joined with OR).</summary>
public sealed class Filter
{
    public string? Name { get; set; }

    public List<string>? Values { get; set; }
}

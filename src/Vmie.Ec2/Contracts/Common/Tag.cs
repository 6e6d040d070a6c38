namespace Vmie.Ec2.Contracts.Common;

/// <summary>A key/value tag (model shape Tag).</summary>
public sealed class Tag
{
    public string? Key { get; set; }

    public string? Value { get; set; }
}

namespace Vmie.Ec2.Contracts.Common;

/// <summary>Tags to apply to a resource at creation (model shape TagSpecification).</summary>
public sealed class TagSpecification
{
    /// <summary>A ResourceType enum value, e.g. "import-snapshot-task".</summary>
    public string? ResourceType { get; set; }

    public List<Tag>? Tags { get; set; }
}

namespace Vmie.Ec2.Contracts.Tags;

/// <summary>One tag of one resource.</summary>
public sealed class TagDescription
{
    public string? Key { get; set; }

    public string? ResourceId { get; set; }

    /// <summary>A ResourceType enum value: "snapshot", "import-snapshot-task"...</summary>
    public string? ResourceType { get; set; }

    public string? Value { get; set; }
}

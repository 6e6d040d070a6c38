namespace Vmie.Ec2.Persistence;

public enum TagWriteResult
{
    Done,
    ResourceNotFound,
    TagLimitExceeded,
}

/// <param name="ResourceId">The resource that made the write fail.</param>
public sealed record TagWriteOutcome(TagWriteResult Result, string? ResourceId);

namespace Vmie.Ec2.Persistence;

/// <summary>A tag to delete: by key alone when <paramref name="Value"/> is null, else only with that value.</summary>
public sealed record TagDeletion(string Key, string? Value);

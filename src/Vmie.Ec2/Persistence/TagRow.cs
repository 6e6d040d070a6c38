namespace Vmie.Ec2.Persistence;

/// <summary>One tag of one resource, as DescribeTags lists it.</summary>
public sealed record TagRow(string ResourceId, string ResourceType, string Key, string Value);

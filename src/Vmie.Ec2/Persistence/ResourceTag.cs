namespace Vmie.Ec2.Persistence;

/// <summary>A tag as stored: key and value (the empty string when none was given).</summary>
public sealed record ResourceTag(string Key, string Value);

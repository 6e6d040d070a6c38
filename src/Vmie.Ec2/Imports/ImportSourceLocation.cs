namespace Vmie.Ec2.Imports;

/// <summary>The object a disk image is imported from.</summary>
public sealed record ImportSourceLocation(string Bucket, string Key);

namespace Vmie.Guest.FileSystems.Ntfs;

/// <summary>A well-formed NTFS volume (or file) uses a feature this reader does not implement, such as EFS encryption.</summary>
public sealed class NtfsFeatureNotSupportedException(string message) : Exception(message);

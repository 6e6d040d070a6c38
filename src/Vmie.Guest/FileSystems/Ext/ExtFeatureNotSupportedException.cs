namespace Vmie.Guest.FileSystems.Ext;

/// <summary>A well-formed ext volume (or file) uses a feature this reader does not implement.</summary>
public sealed class ExtFeatureNotSupportedException(string message) : Exception(message);

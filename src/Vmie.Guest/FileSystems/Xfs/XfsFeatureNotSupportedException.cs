namespace Vmie.Guest.FileSystems.Xfs;

/// <summary>A well-formed XFS volume uses a feature this reader does not implement (an unknown incompatible feature, a realtime file...).</summary>
public sealed class XfsFeatureNotSupportedException(string message) : Exception(message);

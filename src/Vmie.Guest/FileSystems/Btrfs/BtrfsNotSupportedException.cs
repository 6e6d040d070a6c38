namespace Vmie.Guest.FileSystems.Btrfs;

/// <summary>A well-formed Btrfs volume (or file) uses something this reader does not implement: several devices, RAID, lzo or zstd.</summary>
public sealed class BtrfsNotSupportedException(string message) : Exception(message);

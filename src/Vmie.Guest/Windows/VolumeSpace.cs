namespace Vmie.Guest.Windows;

/// <summary>A volume's size and unallocated space, in bytes.</summary>
public sealed record VolumeSpace(long TotalBytes, long FreeBytes);

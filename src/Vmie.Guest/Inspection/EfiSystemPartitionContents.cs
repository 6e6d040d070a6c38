namespace Vmie.Guest.Inspection;

/// <summary>What an EFI System Partition of the boot disk holds: the removable-media fallback loader and every other loader.</summary>
/// <param name="Loaders">Paths of the *.efi files one level under /EFI (/EFI/debian/grubx64.efi, /EFI/BOOT/BOOTX64.EFI).</param>
public sealed record EfiSystemPartitionContents(string DeviceName, bool HasFallbackLoader, IReadOnlyList<string> Loaders, string? Error = null);
